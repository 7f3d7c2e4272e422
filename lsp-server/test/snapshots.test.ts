// Snapshots in the editor: the store keeps each agent's latest, bounded
// whatever an agent sends; the hover shows the tree; inlay hints show the
// top frame's values at the end of the line; sonde.showSnapshot gives all.
import assert from 'node:assert/strict';
import type { MessageType } from 'vscode-languageserver';
import { ActionMirror, RecentLogs, SnapshotStore, SNAPSHOT_ACTIONS } from '@sonde/client-core';
import { Kind, logInfo, snapshotEvent, snapshotInfo, state } from '@sonde/client-core/testing';
import type { sonde } from '@sonde/protocol';
import { executeCommand, type CommandDeps } from '../src/commands/index.js';
import type { LineSource } from '../src/document-lines.js';
import { hover } from '../src/features/hover.js';
import { inlayHints } from '../src/features/inlay-hints.js';
import { snapshotMarkdown } from '../src/features/snapshot-text.js';
import { Workspace } from '../src/workspace.js';

const workspace = new Workspace('/srv/shop');
const uri = 'file:///srv/shop/src/server.js';
const lines: LineSource = { lineAt: (_u, line) => (line === 11 ? { text: "  return 'Hello: ' + name;", languageId: 'javascript' } : undefined), lineCount: () => 20 };
const v = (name: string, type: string, value: string, children: sonde.v1.IVariable[] = [], more: Partial<sonde.v1.IVariable> = {}): sonde.v1.IVariable => ({ name, type, value, children, ...more });
const LOCALS = [v('name', 'string', 'ada'), v('cart', 'Object', '{…}', [v('total', 'number', '42'), v('items', 'Array', 'Array(2)', [], { truncated: true, left: 2 })])];

function withSnapshot(): { mirror: ActionMirror; snapshots: SnapshotStore } {
  const mirror = new ActionMirror();
  mirror.reset([snapshotInfo('s', 'src/server.js', 12, { hits: 1, states: [state('s', 'agent-1', Kind.ACTION_STATE_KIND_HIT_LIMIT_REACHED)] })]);
  const snapshots = new SnapshotStore();
  snapshots.addEvents([snapshotEvent('s', 'agent-1', LOCALS, { watches: [v('cart.total * 2', 'number', '84')] })]);
  return { mirror, snapshots };
}

describe('snapshots in the editor', () => {
  it('keeps the latest snapshot of each agent, newest first, and drops them with their action', () => {
    const store = new SnapshotStore();
    store.addEvents([snapshotEvent('s', 'a1', [v('n', 'number', '1')], { timeMs: 1 }), snapshotEvent('s', 'a2', [v('n', 'number', '2')], { timeMs: 3 }), snapshotEvent('s', 'a1', [v('n', 'number', '3')], { timeMs: 2 })]);
    assert.deepEqual(store.of('s').map((s) => [s.agentId, s.frames[0]!.locals[0]!.value]), [['a2', '2'], ['a1', '3']]);
    store.drop('s');
    assert.deepEqual(store.of('s'), []);
    for (let i = 0; i <= SNAPSHOT_ACTIONS; i++) store.addEvents([snapshotEvent(`x${i}`, 'a1', [])]);
    assert.equal(store.latest('x0'), undefined, 'the least recent action goes first');
  });

  it('cuts a tree deeper than any agent should send, and says so', () => {
    let deep: sonde.v1.IVariable = v('leaf', 'number', '1');
    for (let i = 0; i < 50; i++) deep = v(`d${i}`, 'Object', '{…}', [deep]);
    const store = new SnapshotStore();
    store.addEvents([snapshotEvent('s', 'a1', [deep])]);
    let node = store.latest('s')!.frames[0]!.locals[0]!;
    let depth = 0;
    while (node.children.length > 0) (node = node.children[0]!), depth++;
    assert.ok(depth <= 8, `kept ${depth} levels`);
    assert.equal(node.truncated, true);
  });

  it('shows the tree on hover: watches, then the frame with each local, nested, and what was cut', () => {
    const { mirror, snapshots } = withSnapshot();
    const value = (hover({ textDocument: { uri }, position: { line: 11, character: 0 } }, mirror, workspace, new RecentLogs(), snapshots)?.contents as { value: string }).value;
    assert.match(value, /^\*\*Sonde\*\* snapshot · 1 hit · hit limit reached\n\nsnapshot at 03:04:05\.000 \[agent-1\]/);
    for (const line of ['watches', '  cart.total * 2: number = 84', '#0 greet (src/server.js:12)', '  name: string = ada', '  cart: Object = {…}', '    total: number = 42', '    items: Array = Array(2) … truncated, 2 more']) {
      assert.ok(value.includes(`\n${line}\n`), `hover lacks ${JSON.stringify(line)}:\n${value}`);
    }
  });

  it('fences the tree longer than any backtick run a captured value holds', () => {
    const store = new SnapshotStore();
    store.addEvents([snapshotEvent('s', 'a1', [v('md', 'string', 'a ``` b')])]);
    const md = snapshotMarkdown(store.latest('s')!);
    assert.match(md, /\n````text\n[\s\S]*\n````$/);
  });

  it('puts the values at the end of the line as an inlay hint, strings quoted, containers summed up', () => {
    const { mirror, snapshots } = withSnapshot();
    const hints = inlayHints({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 19, character: 0 } } }, { mirror, workspace, snapshots, lines });
    assert.equal(hints.length, 1);
    assert.deepEqual(hints[0]!.position, { line: 11, character: 26 });
    assert.equal(hints[0]!.label, "cart.total * 2 = 84, name = 'ada', cart = {…}");
    const outside = inlayHints({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } }, { mirror, workspace, snapshots, lines });
    assert.deepEqual(outside, [], 'nothing for lines outside the range asked');
  });

  it('sonde.showSnapshot gives every agent\'s whole snapshot, and refuses an action that is not a snapshot', async () => {
    const { mirror, snapshots } = withSnapshot();
    mirror.upsert(logInfo('l', 'src/server.js', 13, 'x'));
    const shown: string[] = [];
    const deps: CommandDeps = { mirror, snapshots, workspace, lines, target: undefined, gateway: undefined, noGatewayReason: '', changed: () => {}, showMessage: (_t: MessageType, m: string) => shown.push(m) };
    const result = (await executeCommand({ command: 'sonde.showSnapshot', arguments: [{ actionId: 's' }] }, deps)) as { snapshots: { agentId: string }[]; text: string };
    assert.deepEqual(result.snapshots.map((s) => s.agentId), ['agent-1']);
    assert.match(result.text, /^Sonde snapshot at src\/server\.js:12, 2025-01-02T03:04:05\.000Z \[agent-1\]\n/);
    assert.equal(shown.at(-1), result.text);
    await assert.rejects(executeCommand({ command: 'sonde.showSnapshot', arguments: [{ actionId: 'l' }] }, deps), /action l is not a snapshot; sonde\.showAction shows it/);
  });
});
