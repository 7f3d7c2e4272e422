import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sonde, canonicalJsonOptions } from '../src/index.js';

// dist/test → protocol/vectors
const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors');
const names = readdirSync(vectorsDir).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)).sort();

describe('golden vectors', () => {
  it('exist for every case', () => {
    assert.ok(names.length >= 10, `expected the golden vectors in ${vectorsDir}, found ${names.length}`);
  });
  for (const name of names) {
    describe(name, () => {
      const bin = new Uint8Array(readFileSync(join(vectorsDir, `${name}.bin`)));
      const json = JSON.parse(readFileSync(join(vectorsDir, `${name}.json`), 'utf8'));
      it('decodes to its JSON', () => {
        const msg = sonde.v1.Envelope.decode(bin);
        assert.deepEqual(sonde.v1.Envelope.toObject(msg, canonicalJsonOptions), json);
      });
      it('encodes from its JSON to the same bytes', () => {
        const msg = sonde.v1.Envelope.fromObject(json);
        assert.deepEqual(Buffer.from(sonde.v1.Envelope.encode(msg).finish()), Buffer.from(bin));
      });
    });
  }
});
