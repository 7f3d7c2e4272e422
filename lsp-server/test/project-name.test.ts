// The project an action carries: the name in the nearest package.json above
// the file, never a dependency's own inside node_modules.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectNames } from '../src/project-name.js';

describe('ProjectNames', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sonde-project-'));
    const put = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    put('app/package.json', JSON.stringify({ name: 'koa-app' }));
    put('app/src/deep/app.js', '');
    put('app/node_modules/fastify/package.json', JSON.stringify({ name: 'fastify' }));
    put('app/node_modules/fastify/lib/server.js', '');
    put('broken/package.json', '{ not json');
    put('broken/index.js', '');
    put('nameless/package.json', '{}');
    put('nameless/sub/package.json', JSON.stringify({ name: 'inner' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the nearest package.json above the file', () => {
    assert.equal(new ProjectNames().of(join(dir, 'app', 'src', 'deep', 'app.js')), 'koa-app');
    assert.equal(new ProjectNames().of(join(dir, 'nameless', 'sub', 'x.js')), 'inner');
  });

  it('passes over a dependency\'s package.json to the app that holds node_modules', () => {
    assert.equal(new ProjectNames().of(join(dir, 'app', 'node_modules', 'fastify', 'lib', 'server.js')), 'koa-app');
  });

  it('says none for a package.json without a name or that does not parse, and looks no higher', () => {
    assert.equal(new ProjectNames().of(join(dir, 'broken', 'index.js')), '');
    assert.equal(new ProjectNames().of(join(dir, 'nameless', 'x.js')), '');
  });

  it('answers again from what it read', () => {
    const names = new ProjectNames();
    const file = join(dir, 'app', 'src', 'deep', 'app.js');
    assert.equal(names.of(file), 'koa-app');
    rmSync(join(dir, 'app', 'package.json'));
    assert.equal(names.of(file), 'koa-app');
    writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'koa-app' }));
  });
});
