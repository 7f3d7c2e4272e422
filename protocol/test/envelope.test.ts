import assert from 'node:assert/strict';
import { decodeEnvelope, encodeEnvelope, enumLabel, sonde } from '../src/index.js';

describe('decodeEnvelope', () => {
  it('returns the body of a valid frame', () => {
    const r = decodeEnvelope(encodeEnvelope({ id: 5, removeAction: { actionId: 'x' } }));
    assert.ok(r.ok);
    assert.equal(r.body, 'removeAction');
    assert.equal(r.envelope.removeAction?.actionId, 'x');
    assert.equal(r.envelope.id, 5);
  });
  it('refuses bytes that are not an Envelope, saying so', () => {
    const r = decodeEnvelope(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.ok(!r.ok);
    assert.equal(r.code, sonde.v1.ErrorCode.ERROR_CODE_INVALID_FRAME);
    assert.match(r.message, /not a sonde\.v1\.Envelope/);
  });
  it('reports an envelope whose body is unknown (a newer field number)', () => {
    // field 99, varint 1, after id=3
    const r = decodeEnvelope(new Uint8Array([0x08, 0x03, 0x98, 0x06, 0x01]));
    assert.ok(!r.ok);
    assert.equal(r.code, sonde.v1.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE);
    assert.equal(r.id, 3);
  });
});

describe('enumLabel', () => {
  it('drops the enum prefix', () => {
    assert.equal(enumLabel(sonde.v1.ActionKind, sonde.v1.ActionKind.ACTION_KIND_LOG), 'log');
    assert.equal(enumLabel(sonde.v1.ActionStateKind, sonde.v1.ActionStateKind.ACTION_STATE_KIND_HIT_LIMIT_REACHED), 'hit_limit_reached');
  });
});
