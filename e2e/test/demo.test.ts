// `npm run demo`, as the README tells a new user to run it: the script must
// sign in on the embedded provider, create the agent key, add the log and
// print the line and the lens that came back, from the Node service and
// from the seed's Flask app with the Python agent, then exit cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

describe('npm run demo', function () {
  this.timeout(120_000);

  it('signs in on the embedded provider, adds the log, and prints the line and the lens that come back, from the Node service and the Flask app', async () => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'demo.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /gateway +http:\/\/127\.0\.0\.1:\d+ +\(sonde gateway --demo-identity/);
    assert.match(out, /editor +signed in as demo/);
    assert.match(out, /sonde keys +create --tag e2e → agent key [0-9a-f]{12}/);
    assert.match(out, /log line +\S+ +\[[^\]]+\] +name=aa/);
    assert.match(out, /lens +examples\/node-service\/server\.js:6 +log "name=\{name\}" · 1 hit/);
    assert.match(out, /flask-hello +http:\/\/127\.0\.0\.1:\d+ +\(SONDE_AGENT_KEY=… python -m sonde_agent app\.py\)/);
    assert.match(out, /log line +\S+ +\[python-[^\]]+\] +Hello aa/);
    assert.match(out, /lens +examples\/flask-hello\/app\.py:22 +log "Hello \{name\}" · 1 hit/);
    assert.doesNotMatch(out, /WARNING: --insecure-dev/);
  });
});
