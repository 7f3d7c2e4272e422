// /v1/client's admin requests. Agent keys: create (the secret is in this one
// reply), list, revoke (the key's connected agents are disconnected at once).
// The audit log: read in pages. Every key operation, and every refusal, goes
// on the audit log.
import { CloseCode, sonde } from '@sonde/protocol';
import { fitFrames, RequestError, type Handlers } from '@sonde/rpc';
import type { AuditLog } from '../audit/audit-log.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { AgentRegistry } from '../connections/agent-registry.js';
import { MAX_CHARS, MAX_COUNT, checkLength, checkStrings } from '../checks/fields.js';
import type { AgentKeyRecord, AgentKeys } from '../keys/agent-keys.js';
import type { Peer } from './peer.js';

const { ErrorCode } = sonde.v1;

export interface AdminHandlerDeps {
  keys: AgentKeys;
  agents: AgentRegistry;
  audit: AuditLog;
  now: () => number;
  log: (msg: string) => void;
}

const wire = (k: AgentKeyRecord): sonde.v1.IAgentKey => ({ id: k.id, tags: k.tags, description: k.description, createdBy: k.createdBy, createdAtMs: k.createdAtMs, revokedAtMs: k.revokedAtMs });

/** Entries a ListAudit answers at most, whatever its limit. */
const AUDIT_PAGE = 1000;

export function adminHandlers(deps: AdminHandlerDeps): Handlers<Peer> {
  const audit = new AuditWriter(deps.audit, deps.now);
  const record = (peer: Peer, what: string, detail: string) => audit.done(peer.principal, peer.remote, what, detail);
  const admin = (peer: Peer, what: string, doing: string) => audit.need(peer.principal, peer.remote, 'admin', what, doing);
  return {
    createAgentKey(envelope, peer) {
      admin(peer, 'create-key', 'creating an agent key');
      const tags = envelope.createAgentKey?.tags ?? [];
      const description = envelope.createAgentKey?.description ?? '';
      checkStrings('tags', tags, MAX_COUNT.tags, MAX_CHARS.tag);
      checkLength('description', description, MAX_CHARS.appName);
      const { key, secret } = deps.keys.create(tags, description, peer.principal.name, deps.now());
      record(peer, 'create-key', `key ${key.id}, tags ${key.tags.join(',') || 'any'}${key.description ? `, "${key.description}"` : ''}`);
      return { agentKeyCreated: { key: wire(key), secret } };
    },
    listAgentKeys(_envelope, peer) {
      admin(peer, 'list-keys', 'listing agent keys');
      return { agentKeyList: { keys: deps.keys.list().map(wire) } };
    },
    listAudit(envelope, peer) {
      admin(peer, 'list-audit', 'reading the audit log');
      const limit = Math.min(envelope.listAudit?.limit || AUDIT_PAGE, AUDIT_PAGE);
      const entries = deps.audit.entries(Number(envelope.listAudit?.afterSeq ?? 0), limit).map((e) => ({ ...e, subject: e.subject ?? '', outcome: e.outcome ?? 'ok' }));
      return fitFrames(entries, (chunk) => ({ auditList: { entries: chunk } }), { tooLarge: (e, bytes) => deps.log(`audit entry ${e.seq} is ${bytes} bytes, over a frame: left out of list_audit`) });
    },
    revokeAgentKey(envelope, peer) {
      admin(peer, 'revoke-key', 'revoking an agent key');
      const id = envelope.revokeAgentKey?.id ?? '';
      const key = deps.keys.revoke(id, deps.now());
      if (key === undefined) throw new RequestError(ErrorCode.ERROR_CODE_NOT_FOUND, `no agent key ${id.slice(0, 40)}; "sonde keys list" shows them`);
      const live = deps.agents.all().filter((a) => a.peer.principal.keyId === key.id);
      for (const a of live) a.peer.close(CloseCode.policyViolation, `its agent key ${key.id} was revoked`);
      record(peer, 'revoke-key', `key ${key.id}; ${live.length} connected agent${live.length === 1 ? '' : 's'} disconnected`);
      deps.log(`agent key ${key.id} revoked by ${peer.principal.name}; ${live.length} agents disconnected`);
      return { agentKey: wire(key) };
    },
  };
}
