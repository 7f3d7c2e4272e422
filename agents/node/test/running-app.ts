// Child processes for tests of the agent in real programs: a fixture app
// (with the agent loaded) or a driver, its output as it comes, and waits on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
export const APP = join(FIXTURES, 'app');

export interface RunningApp {
  child: ChildProcess;
  out: () => string;
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function runApp(args: string[], env: Record<string, string | undefined>, cwd = APP): RunningApp {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, SONDE_GATEWAY_URL: undefined, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const wake = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of wake) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    exited,
    waitFor: (re, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in the output:\n${out.slice(-4000)}`)), timeoutMs);
        const check = () => {
          const m = out.match(re);
          if (!m) return;
          wake.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        wake.add(check);
        check();
      }),
  };
}
