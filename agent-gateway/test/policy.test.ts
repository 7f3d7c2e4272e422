// The operator's policy at the gateway: checked, stored in the data folder
// (kept across a restart), sent with each agent's action set and pushed to
// connected agents when it changes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sonde } from '@sonde/protocol';
import { RequestError } from '@sonde/rpc';
import { startGateway } from '../src/index.js';
import { channelTo, until } from './support.js';

describe('gateway policy', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sonde-policy-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores a policy, pushes it to connected agents, keeps it across a restart and sends it with the next action set', async () => {
    let gateway = await startGateway({ dataDir, insecureDev: true, port: 0, log: () => {} });
    const agent = await channelTo(gateway.url, '/v1/agent');
    const first = await agent.channel.request({ hello: { agentId: 'a1', runtime: sonde.v1.Runtime.RUNTIME_NODE } }, { expect: 'actionSet', what: 'hello' });
    assert.deepEqual(first.actionSet?.policy?.redactNames ?? [], []);
    const client = await channelTo(gateway.url, '/v1/client');
    const policy = { redactNames: ['customer id'], blockedFiles: ['src/secrets/**'], quotas: [{ kind: sonde.v1.ActionKind.ACTION_KIND_SNAPSHOT, perProbePerSecond: 2 }] };
    const set = await client.channel.request({ setPolicy: { policy } }, { expect: 'policy', what: 'set_policy' });
    assert.equal(set.policy?.updatedBy, 'dev');
    await until(() => agent.pushes.some((e) => e.policy?.redactNames?.[0] === 'customer id'), 'the push to the agent');
    agent.ws.close();
    client.ws.close();
    await gateway.close();

    gateway = await startGateway({ dataDir, insecureDev: true, port: 0, log: () => {} });
    try {
      const again = await channelTo(gateway.url, '/v1/agent');
      const reply = await again.channel.request({ hello: { agentId: 'a2', runtime: sonde.v1.Runtime.RUNTIME_NODE } }, { expect: 'actionSet', what: 'hello' });
      assert.deepEqual(reply.actionSet?.policy?.blockedFiles, ['src/secrets/**']);
      assert.equal(reply.actionSet?.policy?.quotas?.[0]?.perProbePerSecond, 2);
      const read = await channelTo(gateway.url, '/v1/client');
      const got = await read.channel.request({ getPolicy: {} }, { expect: 'policy', what: 'get_policy' });
      assert.deepEqual(got.policy?.redactNames, ['customer id']);
      again.ws.close();
      read.ws.close();
    } finally {
      await gateway.close();
    }
  });

  it('refuses a pattern that is not a regular expression, an empty entry and a negative quota, saying which, and keeps the policy', async () => {
    const gateway = await startGateway({ dataDir, insecureDev: true, port: 0, log: () => {} });
    try {
      const client = await channelTo(gateway.url, '/v1/client');
      const refuse = async (policy: sonde.v1.IPolicy, message: RegExp) => {
        await assert.rejects(client.channel.request({ setPolicy: { policy } }, { expect: 'policy', what: 'set_policy' }), (err: unknown) => {
          assert.ok(err instanceof RequestError);
          assert.equal(err.code, sonde.v1.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
          assert.match(err.message, message);
          return true;
        });
      };
      await refuse({ redactPatterns: ['(unclosed'] }, /the policy was not changed: redact_patterns\[0\] is not a regular expression/);
      await refuse({ blockedFiles: ['  '] }, /blocked_files\[0\] is empty/);
      await refuse({ quotas: [{ kind: sonde.v1.ActionKind.ACTION_KIND_LOG, perAgentBurst: -1 }] }, /ACTION_KIND_LOG quota per_agent_burst is -1/);
      const got = await client.channel.request({ getPolicy: {} }, { expect: 'policy', what: 'get_policy' });
      assert.deepEqual(got.policy?.redactPatterns ?? [], []);
      client.ws.close();
    } finally {
      await gateway.close();
    }
  });
});
