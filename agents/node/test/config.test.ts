import assert from 'node:assert/strict';
import { resolveConfig } from '../src/config.js';

describe('config', () => {
  it('takes the probe limit from SONDE_MAX_PROBES, leaving the default for anything but a positive whole number', () => {
    assert.equal(resolveConfig({}, { SONDE_MAX_PROBES: '300' }).maxProbes, 300);
    assert.equal(resolveConfig({ maxProbes: 7 }, { SONDE_MAX_PROBES: '300' }).maxProbes, 7);
    for (const bad of ['', 'lots', '0', '-5', '2.5', undefined]) assert.equal(resolveConfig({}, { SONDE_MAX_PROBES: bad }).maxProbes, undefined, String(bad));
    assert.deepEqual(resolveConfig({}, { SONDE_MAX_PROBES: 'lots' }).problems, ['SONDE_MAX_PROBES "lots" is not a positive whole number; the default limit applies']);
    assert.deepEqual(resolveConfig({}, { SONDE_MAX_PROBES: '300' }).problems, []);
    assert.deepEqual(resolveConfig({}, {}).problems, []);
  });
});
