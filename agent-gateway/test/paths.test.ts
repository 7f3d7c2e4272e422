// Issue 11, case 7 (gateway side): a path is checked as the agents will read
// it, percent-decoded, so an encoded ".." is refused exactly as ".." is.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { ProtocolPeer, ScriptedAgent } from '@sonde/rpc/testing';
import { LOG_ACTION } from './support.js';
import { startTestGateway, type TestGateway } from '../src/testing.js';

const { ErrorCode } = sonde.v1;

describe('gateway: encoded path tricks (case 7)', () => {
  let g: TestGateway;
  beforeEach(async () => {
    g = await startTestGateway();
  });
  afterEach(async () => {
    await g.close();
  });

  it('refuses encoded "..", encoded absolute paths and encoded NUL with the messages of their plain forms', async () => {
    // An agent that would answer for any file: the refusal must come before anyone is asked.
    const agent = await ScriptedAgent.connect(g.url, { agentId: 'a1' }, ['/srv/app/src/server.js']);
    const asked: string[] = [];
    agent.peer.onFrame((e) => void (e.fileQuery && asked.push(e.fileQuery.path ?? '')));
    const c = await ProtocolPeer.connect(g.url, '/v1/client');
    const cases: [string, string][] = [
      ['%2e%2e/%2e%2e/etc/passwd', 'location.file "%2e%2e/%2e%2e/etc/passwd" climbs out of the workspace with ".."'],
      ['src/..%2f..%2fetc/passwd', 'location.file "src/..%2f..%2fetc/passwd" climbs out of the workspace with ".."'],
      ['%2E%2E%5Cwindows%5Cwin.ini', 'location.file "%2E%2E%5Cwindows%5Cwin.ini" climbs out of the workspace with ".."'],
      ['.%2e/x.js', 'location.file ".%2e/x.js" climbs out of the workspace with ".."'],
      ['%252e%252e/x.js', 'location.file "%252e%252e/x.js" climbs out of the workspace with ".."'],
      ['%2fetc/passwd', 'location.file "%2fetc/passwd" is absolute; actions carry the path relative to the workspace root'],
      ['file%3A%2F%2F%2Fetc%2Fpasswd', 'location.file "file%3A%2F%2F%2Fetc%2Fpasswd" is absolute; actions carry the path relative to the workspace root'],
      ['src/a%00.js', 'location.file contains a NUL character'],
    ];
    for (const [file, message] of cases) {
      const r = await c.request({ addAction: { action: { ...LOG_ACTION, location: { file, line: 1 } } } });
      assert.equal(r.error?.code, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, file);
      assert.equal(r.error?.message, message);
    }
    assert.deepEqual(asked, [], 'no agent was asked about any of them');
    const fine = await c.request({ addAction: { action: { ...LOG_ACTION, location: { file: 'src/server.js', line: 1 } } } });
    assert.ok(fine.actionInfo, 'an ordinary path still works');
    agent.close();
    c.close();
  });
});
