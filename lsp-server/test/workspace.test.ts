import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTarget, Workspace } from '../src/workspace.js';
import { readSettings } from '../src/settings.js';

describe('workspace', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sonde ws-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes the root from the first workspace folder, else rootUri, else rootPath', () => {
    const folder = pathToFileURL(root).href;
    assert.equal(Workspace.fromInitialize({ workspaceFolders: [{ uri: folder }, { uri: 'file:///elsewhere' }], rootUri: 'file:///nope' }).root, root);
    assert.equal(Workspace.fromInitialize({ rootUri: folder }).root, root);
    assert.equal(Workspace.fromInitialize({ rootPath: root }).root, root);
    assert.equal(Workspace.fromInitialize({}).root, undefined);
  });

  it('maps document URIs to root-relative paths with forward slashes, and back', () => {
    const ws = new Workspace(root);
    const uri = pathToFileURL(join(root, 'src', 'my server.js')).href;
    assert.equal(ws.pathOf(uri), 'src/my server.js');
    assert.equal(ws.uriOf('src/my server.js'), uri);
    assert.equal(ws.uriOf('./src/my server.js'), uri);
  });

  it('keeps absolute paths for files outside the root, and nothing for other schemes', () => {
    const ws = new Workspace(join(root, 'svc'));
    const outside = pathToFileURL(join(root, 'svc-other', 'a.js')).href;
    assert.equal(ws.pathOf(outside), join(root, 'svc-other', 'a.js'));
    assert.equal(ws.uriOf(join(root, 'svc-other', 'a.js')), outside);
    assert.equal(ws.pathOf('untitled:Untitled-1'), undefined);
  });

  it('answers with the URI spelling the editor used', () => {
    const ws = new Workspace(root);
    const plain = pathToFileURL(join(root, 'a.js')).href;
    const odd = plain.replace('a.js', '%61.js');
    assert.equal(ws.uriOf('a.js'), plain);
    ws.remember(odd);
    assert.equal(ws.uriOf('a.js'), odd);
  });

  it('reads the target from initializationOptions first, then .sonde.json', () => {
    writeFileSync(join(root, '.sonde.json'), JSON.stringify({ target: { appName: 'shop', tags: ['production'] } }));
    assert.deepEqual(loadTarget(root, undefined).target, { appName: 'shop', tags: ['production'] });
    assert.deepEqual(loadTarget(root, { agentIds: ['a1'] }).target, { agentIds: ['a1'] });
    assert.deepEqual(loadTarget(undefined, undefined), { target: undefined, source: undefined, problem: undefined });
  });

  it('says what is wrong with a bad target config', () => {
    writeFileSync(join(root, '.sonde.json'), '{"target": {"tags": "production"}}');
    assert.match(loadTarget(root, undefined).problem ?? '', /target\.tags must be an array of strings/);
    writeFileSync(join(root, '.sonde.json'), '{not json');
    assert.match(loadTarget(root, undefined).problem ?? '', /\.sonde\.json is not JSON/);
    assert.match(loadTarget(root, { app: 'x' } as never).problem ?? '', /unknown field app/);
  });

  it('takes the gateway URL from initializationOptions, else SONDE_GATEWAY_URL', () => {
    assert.equal(readSettings({ gatewayUrl: 'http://a:1' }, { SONDE_GATEWAY_URL: 'http://b:2' }).gatewayUrl, 'http://a:1');
    assert.equal(readSettings(undefined, { SONDE_GATEWAY_URL: 'http://b:2' }).gatewayUrl, 'http://b:2');
    assert.equal(readSettings({}, {}).gatewayUrl, undefined);
    assert.match(readSettings({ gatewayUrl: 7 }, {}).problems[0] ?? '', /gatewayUrl must be a non-empty string/);
  });
});
