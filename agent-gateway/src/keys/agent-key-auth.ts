// Agents authenticate with an agent key in the upgrade's Authorization
// header (`Bearer sonde_ak_…`, the agent's SONDE_AGENT_KEY). The principal is
// the key: its id names the agent's doings on the audit log, its tags bound
// the tags the agent may claim.
import type { Authenticator } from '../auth/authenticator.js';
import { bearerOf } from '../auth/bearer.js';
import type { AgentKeys } from './agent-keys.js';

export function agentKeyAuth(keys: AgentKeys): Authenticator {
  return {
    description: 'agent keys',
    checkHost: () => {},
    authenticate(request) {
      const credential = bearerOf(request.headers.authorization);
      if (credential === undefined) {
        return { refusal: { status: 401, message: 'no agent key: this gateway takes agents with a key only; create one with "sonde keys create" (an admin) and start the agent with SONDE_AGENT_KEY' } };
      }
      const checked = keys.check(credential);
      if ('refused' in checked) return { refusal: { status: 401, message: checked.refused } };
      const { key } = checked;
      return { principal: { kind: 'agent', name: key.id, keyId: key.id, roles: [], tags: key.tags.length > 0 ? key.tags : undefined } };
    },
  };
}
