// Names a build renamed. A bundler that joins modules into one scope renames
// clashing identifiers (esbuild turns a second module's `rate` into `rate2`)
// and records the original name in its source map's `names`. A probe set on
// the original source reads the name the user wrote, so each read is sent to
// the generated identifier that name became, never silently to another
// variable that happens to carry the original name in the bundle.

import type { VisibleNames } from './scope-names.js';
import type { NamedPosition } from './source-maps.js';
import type { StatementIndex } from './source-patch.js';

/** Original name → the generated name to read instead, for names the code reads that the build renamed. */
export function renamedReads(reads: ReadonlySet<string>, renames: readonly NamedPosition[], index: StatementIndex, visible: VisibleNames): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of reads) {
    const generated = new Set<string>();
    for (const r of renames) {
      if (r.name !== name) continue;
      const id = index.identifierAt(r.line, r.column);
      if (id !== undefined) generated.add(id);
    }
    // Only names declared where the probe runs; of several, the innermost (a nested scope hides an outer one).
    const seen = [...generated].filter((g) => visible.declared.has(g));
    if (seen.length === 0) continue;
    const pick = visible.names.find((n) => seen.includes(n)) ?? seen[0]!;
    if (pick !== name) out.set(name, pick);
  }
  return out;
}
