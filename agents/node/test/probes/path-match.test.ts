import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnDisk, matchPath, matchPathUnder, urlToPath } from '../../src/probes/path-match.js';

describe('probes/path-match', () => {
  it('picks the candidate with the longest common suffix', () => {
    const r = matchPath('examples/node-service/server.js', ['/srv/other/server.js', '/srv/app/node-service/server.js']);
    assert.deepEqual(r, { kind: 'match', path: '/srv/app/node-service/server.js', segments: 2 });
  });

  it('matches only at segment boundaries: server.js is not myserver.js', () => {
    assert.deepEqual(matchPath('src/server.js', ['/srv/app/src/myserver.js']), { kind: 'none' });
  });

  it('reports a tie among the best as ambiguous, listing the candidates', () => {
    const r = matchPath('lib/util.js', ['/a/lib/util.js', '/b/lib/util.js', '/c/util.js']);
    assert.deepEqual(r, { kind: 'ambiguous', segments: 2, candidates: ['/a/lib/util.js', '/b/lib/util.js'] });
  });

  it('breaks a tie in favour of the one candidate under the app\'s roots', () => {
    const candidates = ['/opt/sonde/node_modules/pkg/src/a.ts', '/srv/app/node_modules/pkg/src/a.ts'];
    assert.deepEqual(matchPathUnder('node_modules/pkg/src/a.ts', candidates, ['/srv/app']), {
      kind: 'match', path: '/srv/app/node_modules/pkg/src/a.ts', segments: 4,
    });
    assert.equal(matchPathUnder('node_modules/pkg/src/a.ts', candidates, ['/srv/ap']).kind, 'ambiguous', 'a root is a whole folder, not a prefix');
    assert.equal(matchPathUnder('a.ts', ['/srv/app/x/a.ts', '/srv/app/y/a.ts'], ['/srv/app']).kind, 'ambiguous');
  });

  it('counts the same path twice once', () => {
    assert.equal(matchPath('x.js', ['/a/x.js', '/a/x.js']).kind, 'match');
  });

  it('normalises file:// urls and percent-encoding', () => {
    assert.equal(urlToPath('file:///srv/my%20app/a.js'), '/srv/my app/a.js');
    assert.equal(urlToPath('/srv/app/a.js'), '/srv/app/a.js');
    assert.equal(urlToPath('node:internal/modules/cjs/loader'), undefined);
    assert.equal(urlToPath(''), undefined);
    assert.equal(matchPath('my%20app/a.js', ['/srv/my app/a.js']).kind, 'match');
    assert.equal(matchPath('file:///home/dev/my%20app/a.js', ['/srv/my app/a.js']).kind, 'match');
  });

  describe('findOnDisk', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'sonde-paths-'));
      mkdirSync(join(root, 'app', 'src'), { recursive: true });
      writeFileSync(join(root, 'app', 'src', 'server.js'), '');
      writeFileSync(join(root, 'app', 'server.js'), '');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('drops leading segments until root/rest exists, longest rest first', () => {
      const r = findOnDisk('services/api/src/server.js', [join(root, 'app')]);
      assert.equal(r.kind, 'match');
      assert.ok(r.kind === 'match' && r.path.endsWith(join('app', 'src', 'server.js')));
    });

    it('answers none when nothing exists', () => {
      assert.deepEqual(findOnDisk('src/missing.js', [join(root, 'app')]), { kind: 'none' });
    });

    it('reports two roots holding different files for the same rest as ambiguous', () => {
      const r = findOnDisk('server.js', [join(root, 'app'), join(root, 'app', 'src')]);
      assert.equal(r.kind, 'ambiguous');
    });
  });
});
