// Whether V8 can compile a probe's generated code, asked before a breakpoint
// carries it: V8 treats a breakpoint condition that does not compile as
// false on every hit, silently, so such a probe would report active and
// never log. vm.Script compiles without running anything.

import { Script } from 'node:vm';

/** Undefined when `code` compiles; else V8's error. */
export function compileProblem(code: string): string | undefined {
  try {
    new Script(code);
    return undefined;
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}
