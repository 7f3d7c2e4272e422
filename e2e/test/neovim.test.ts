// The spine through a real editor: Neovim 0.11, headless, picks the code
// action, and the log line and the lens come back into it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, serviceDir, sondeBin, startGateway, startService, type Proc } from './support/processes.js';

const NVIM = join(repoRoot, '.tools', 'nvim', 'bin', 'nvim');
const SCRIPT = join(repoRoot, 'e2e', 'editors', 'neovim-spine.lua');

describe('Neovim (headless) → sonde lsp → gateway → agent → back', function () {
  let dataDir: string;
  let gateway: { proc: Proc; url: string };
  let service: { proc: Proc; url: string };

  before(async function () {
    assert.ok(existsSync(NVIM), `Neovim is not installed at ${NVIM}; npm test installs it (scripts/setup.mjs)`);
    dataDir = mkdtempSync(join(tmpdir(), 'sonde-nvim-'));
    gateway = await startGateway(0, dataDir);
    service = await startService(gateway.url);
  });

  after(async () => {
    await service?.proc.stop();
    await gateway?.proc.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a log from the code action menu and shows its line and its lens', async () => {
    const outFile = join(dataDir, 'nvim-out.json');
    const line = readFileSync(join(serviceDir, 'server.js'), 'utf8').split('\n').findIndex((l) => l.includes("return 'Hello: ' + name")) + 1;
    const nvim = spawn(NVIM, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SONDE_FILE: join(serviceDir, 'server.js'),
        SONDE_LINE: String(line),
        SONDE_BIN: sondeBin,
        SONDE_ROOT: repoRoot,
        SONDE_GATEWAY_URL: gateway.url,
        SONDE_SERVICE_URL: service.url,
        SONDE_NVIM_OUT: outFile,
      },
    });
    let stderr = '';
    nvim.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => nvim.kill('SIGKILL'), 50_000);
    const code = await new Promise<number | null>((resolve) => nvim.once('exit', resolve));
    clearTimeout(killer);
    const seen = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as { logs: string[]; lens?: string; body?: string; error?: string }) : undefined;
    assert.equal(code, 0, `nvim exited ${code}: ${seen?.error ?? stderr}`);
    assert.equal(seen?.body, 'Hello: nvim');
    assert.ok(seen?.logs.some((l) => l === 'name=nvim'), JSON.stringify(seen));
    assert.match(seen?.lens ?? '', /^log "name=\{name\}" · 1 hit$/);
  });
});
