// Writes the golden vectors: for each case, <name>.bin (the encoded Envelope)
// and <name>.json (its canonical proto3 JSON). Run once when the schema gains
// a case; the committed files are the contract every language tests against,
// so never regenerate an existing vector to make a test pass.
import { writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sonde, canonicalJsonOptions } from '../dist/src/index.js';
import { vectorCases } from './vector-cases.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');
const force = process.argv.includes('--force');
for (const [name, init] of Object.entries(vectorCases)) {
  const bin = join(out, `${name}.bin`);
  if (existsSync(bin) && !force) continue;
  const msg = sonde.v1.Envelope.fromObject(init);
  writeFileSync(bin, sonde.v1.Envelope.encode(msg).finish());
  writeFileSync(join(out, `${name}.json`), JSON.stringify(sonde.v1.Envelope.toObject(msg, canonicalJsonOptions), null, 2) + '\n');
  console.error(`vectors: wrote ${name}`);
}
