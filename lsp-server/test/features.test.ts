// Lenses, code actions, diagnostics and log output, computed from a mirror.
import assert from 'node:assert/strict';
import { DiagnosticSeverity, MessageType, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { ActionMirror } from '@sonde/client-core';
import type { LineSource } from '../src/document-lines.js';
import { codeActions } from '../src/features/code-actions.js';
import { codeLenses, lensTitle } from '../src/features/code-lens.js';
import { diagnosticsFor, DiagnosticsPublisher } from '../src/features/diagnostics.js';
import { logOutputs } from '../src/features/log-output.js';
import { Workspace } from '../src/workspace.js';
import { Kind, hits, logEvent, logInfo, state, stateEvent } from '@sonde/client-core/testing';

const root = '/srv/shop';
const uri = 'file:///srv/shop/src/server.js';
const workspace = new Workspace(root);
const source: Record<number, string> = { 10: '  async greet(name: string): Promise<string> {', 11: "  return 'Hello: ' + name;", 12: '  }' };
const lines: LineSource = {
  lineAt: (u, line) => (u === uri && source[line] !== undefined ? { text: source[line]!, languageId: 'javascript' } : undefined),
  lineCount: (u) => (u === uri ? 13 : undefined),
};

function mirrorWith(...infos: Parameters<ActionMirror['upsert']>[0][]): ActionMirror {
  const m = new ActionMirror();
  m.reset(infos);
  return m;
}

describe('code lens', () => {
  it('reads like log "name={name}" · 3 hits while active', () => {
    const m = mirrorWith(logInfo('a', 'src/server.js', 12, 'name={name}', { hits: 3, states: [state('a', 'a1', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    assert.equal(lensTitle(m.get('a')!), 'log "name={name}" · 3 hits');
  });

  it('says whose action it is when someone else created it', () => {
    const info = logInfo('o', 'src/server.js', 12, 'name={name}', { hits: 1, states: [state('o', 'a1', Kind.ACTION_STATE_KIND_ACTIVE)] });
    const m = mirrorWith({ ...info, action: { ...info.action, creator: 'ada' } });
    assert.equal(lensTitle(m.get('o')!, 'stan'), 'log "name={name}" · 1 hit · by ada');
    assert.equal(lensTitle(m.get('o')!, 'ada'), 'log "name={name}" · 1 hit', 'one\'s own action needs no name');
    assert.equal(lensTitle(m.get('o')!), 'log "name={name}" · 1 hit', 'nor before the editor knows who it is');
  });

  it('adds the state when not active, with the reason for errors', () => {
    const m = mirrorWith(
      logInfo('p', 'f.js', 1, 'x', { hits: 1, states: [state('p', 'a1', Kind.ACTION_STATE_KIND_PENDING)] }),
      logInfo('e', 'f.js', 2, 'y', { states: [state('e', 'a1', Kind.ACTION_STATE_KIND_ERROR, 'calls are not allowed in a format')] }),
      logInfo('s', 'f.js', 3, 'z', { states: [state('s', 'a1', Kind.ACTION_STATE_KIND_ACTIVE), state('s', 'a2', Kind.ACTION_STATE_KIND_ERROR, 'file not loaded')] }),
      logInfo('w', 'f.js', 4, 'w', { condition: 'n > 3' }),
    );
    assert.equal(lensTitle(m.get('p')!), 'log "x" · 1 hit · pending');
    assert.equal(lensTitle(m.get('e')!), 'log "y" · 0 hits · error: calls are not allowed in a format');
    assert.equal(lensTitle(m.get('s')!), 'log "z" · 0 hits · error on 1 of 2 agents: file not loaded');
    assert.equal(lensTitle(m.get('w')!), 'log "w" if n > 3 · 0 hits · waiting for agents');
  });

  it('says where an agent whose running file differs placed the action, while active', () => {
    const m = mirrorWith(logInfo('a', 'f.js', 12, 'x', { hits: 1, states: [state('a', 'a1', Kind.ACTION_STATE_KIND_ACTIVE, 'placed at running line 14 (your line 12): the running code differs; hot-patched /srv/f.js:14')] }));
    assert.equal(lensTitle(m.get('a')!), 'log "x" · 1 hit · placed at running line 14 (your line 12): the running code differs');
  });

  it('says what was lost, only when something was, before the state', () => {
    const m = mirrorWith(
      logInfo('q', 'f.js', 1, 'x', { hits: 300, suppressed: 250, states: [state('q', 'a1', Kind.ACTION_STATE_KIND_PAUSED_QUOTA, 'over 100 lines/s')] }),
      logInfo('d', 'f.js', 2, 'y', { hits: 5, dropped: 12, states: [state('d', 'a1', Kind.ACTION_STATE_KIND_ACTIVE)] }),
    );
    assert.equal(lensTitle(m.get('q')!), 'log "x" · 300 hits · 250 held back by the rate limit · paused: over 100 lines/s');
    assert.equal(lensTitle(m.get('d')!), 'log "y" · 5 hits · 12 lost');
    m.applyEvents([hits('d', 6, '', { dropped: 12, suppressed: 1 })]);
    assert.equal(lensTitle(m.get('d')!), 'log "y" · 6 hits · 12 lost · 1 held back by the rate limit');
  });

  it('says which agents left once every agent that held an action disconnected, and that it expired', () => {
    const m = mirrorWith(logInfo('a', 'f.js', 1, 'x', { hits: 3, states: [state('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)] }));
    assert.equal(lensTitle(m.get('a')!), 'log "x" · 3 hits');
    m.upsert(logInfo('a', 'f.js', 1, 'x', { hits: 3 }));
    assert.equal(lensTitle(m.get('a')!), 'log "x" · 3 hits · waiting for agents: agent-1 disconnected');
    m.upsert(logInfo('b', 'f.js', 2, 'y', { states: [state('b', 'a1', Kind.ACTION_STATE_KIND_ACTIVE), state('b', 'a2', Kind.ACTION_STATE_KIND_ERROR, 'no such line')] }));
    m.applyEvents([stateEvent('b', '', Kind.ACTION_STATE_KIND_EXPIRED, 'expired')]);
    assert.equal(lensTitle(m.get('b')!), 'log "y" · 0 hits · expired');
  });

  it('puts one lens per action on the action\'s 0-based line, with a command that only shows it', () => {
    const m = mirrorWith(logInfo('a', 'src/server.js', 12, 'name={name}'), logInfo('b', 'src/server.js', 12, 'other'), logInfo('c', 'src/else.js', 1, 'no'));
    const lenses = codeLenses(uri, m, workspace);
    assert.deepEqual(lenses.map((l) => l.range.start.line), [11, 11]);
    assert.deepEqual(lenses[0]!.command, { title: 'log "name={name}" · 0 hits · waiting for agents', command: 'sonde.showAction', arguments: [{ actionId: 'a' }] });
  });
});

describe('code actions', () => {
  const params = (line: number, only?: string[]): CodeActionParams => ({
    textDocument: { uri },
    range: { start: { line, character: 4 }, end: { line, character: 4 } },
    context: { diagnostics: [], ...(only ? { only } : {}) },
  });

  it('offers "Sonde: add log here" with the line\'s default format and the LSP line, a counter and a snapshot', () => {
    const actions = codeActions(params(11), { mirror: new ActionMirror(), workspace, lines, literalSupport: true }) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Sonde: add log here', 'Sonde: add counter here', 'Sonde: take a snapshot here']);
    assert.deepEqual(actions[2]!.command, { title: 'Sonde: take a snapshot here', command: 'sonde.addSnapshot', arguments: [{ uri, line: 11 }] });
    assert.deepEqual(actions[0]!.command, { title: 'Sonde: add log here', command: 'sonde.addLog', arguments: [{ uri, line: 11, format: 'name={name}' }] });
    assert.deepEqual(actions[1]!.command, { title: 'Sonde: add counter here', command: 'sonde.addCounter', arguments: [{ uri, line: 11 }] });
  });

  it('offers "Sonde: remove log" on a line that has one', () => {
    const mirror = mirrorWith(logInfo('a', 'src/server.js', 12, 'name={name}'));
    const actions = codeActions(params(11), { mirror, workspace, lines, literalSupport: false });
    assert.deepEqual(actions[3], { title: 'Sonde: remove log', command: 'sonde.removeLog', arguments: [{ actionId: 'a' }] });
    assert.equal(codeActions(params(12), { mirror, workspace, lines, literalSupport: false }).length, 3);
  });

  it('does not offer removing someone else\'s action, unless one may remove others\' (an admin)', () => {
    const info = logInfo('b', 'src/server.js', 12, 'name={name}');
    const mirror = mirrorWith({ ...info, action: { ...info.action, creator: 'ada' } });
    const removes = (who: { me: string | undefined; mayRemoveOthers: boolean }) =>
      (codeActions(params(11), { mirror, workspace, lines, literalSupport: false, who }) as { title: string }[]).filter((a) => a.title.startsWith('Sonde: remove'));
    assert.deepEqual(removes({ me: 'stan', mayRemoveOthers: false }), []);
    assert.equal(removes({ me: 'ada', mayRemoveOthers: false }).length, 1, 'one\'s own');
    assert.equal(removes({ me: 'root', mayRemoveOthers: true }).length, 1, 'an admin');
    assert.equal(removes({ me: undefined, mayRemoveOthers: false }).length, 1, 'not yet known who: offered, the gateway decides');
  });

  it('offers a tic-toc over the selected lines, not counting a last line selected up to its column 0', () => {
    const span = (endLine: number, character: number): CodeActionParams => ({ textDocument: { uri }, range: { start: { line: 9, character: 2 }, end: { line: endLine, character } }, context: { diagnostics: [] } });
    const deps = { mirror: new ActionMirror(), workspace, lines, literalSupport: false };
    assert.deepEqual(codeActions(span(11, 5), deps).at(-1), { title: 'Sonde: time lines 10–12 (tic-toc)', command: 'sonde.addTicToc', arguments: [{ uri, line: 9, endLine: 11 }] });
    assert.deepEqual(codeActions(span(12, 0), deps).at(-1), { title: 'Sonde: time lines 10–12 (tic-toc)', command: 'sonde.addTicToc', arguments: [{ uri, line: 9, endLine: 11 }] });
  });

  it("offers to time each call of the function on a function's first line, and no tic-toc elsewhere without a selection", () => {
    const deps = { mirror: new ActionMirror(), workspace, lines, literalSupport: false };
    assert.deepEqual(codeActions(params(10), deps).at(-1), { title: 'Sonde: time each call of greet (tic-toc)', command: 'sonde.addTicToc', arguments: [{ uri, line: 10 }] });
    assert.ok(!codeActions(params(11), deps).some((a) => a.title.includes('tic-toc')));
  });

  it('stays out of requests for other kinds only', () => {
    assert.deepEqual(codeActions(params(11, ['source.organizeImports']), { mirror: new ActionMirror(), workspace, lines, literalSupport: true }), []);
  });
});

describe('diagnostics', () => {
  it('puts the agent\'s reason at the line of an action in error, spanning the code', () => {
    const m = mirrorWith(logInfo('e', 'src/server.js', 12, 'x={x}', { states: [state('e', 'a1', Kind.ACTION_STATE_KIND_ERROR, 'x is not defined here')] }), logInfo('ok', 'src/server.js', 13, 'y'));
    const list = diagnosticsFor('src/server.js', m, (line) => source[line]);
    assert.equal(list.length, 1);
    assert.deepEqual(list[0]!.range, { start: { line: 11, character: 2 }, end: { line: 11, character: 26 } });
    assert.equal(list[0]!.severity, DiagnosticSeverity.Error);
    assert.equal(list[0]!.message, 'Sonde log "x={x}" failed on agent a1: x is not defined here');
  });

  it('keeps the kind of problem as the code and carries the agent\'s reason code in data', () => {
    const m = mirrorWith(
      logInfo('e', 'src/server.js', 12, 'x', { states: [state('e', 'a1', Kind.ACTION_STATE_KIND_ERROR, 'src/server.js is not under the roots', sonde.v1.ReasonCode.REASON_CODE_FILE_NOT_FOUND)] }),
      logInfo('p', 'src/server.js', 13, 'y', { states: [state('p', 'a1', Kind.ACTION_STATE_KIND_PAUSED_QUOTA)] }),
    );
    const list = diagnosticsFor('src/server.js', m, (line) => source[line]);
    assert.deepEqual(
      list.map((d) => [d.code, d.data]),
      [
        ['action-error', { actionId: 'e', agentId: 'a1', reasonCode: 'file_not_found' }],
        ['action-paused', { actionId: 'p', agentId: 'a1', reasonCode: 'unspecified' }],
      ],
    );
  });

  it('publishes per file, only when a file\'s diagnostics change, and clears them once the errors are gone', () => {
    const m = mirrorWith(logInfo('e', 'src/server.js', 12, 'x', { states: [state('e', 'a1', Kind.ACTION_STATE_KIND_ERROR, 'bad')] }));
    const sent: [string, number][] = [];
    const publisher = new DiagnosticsPublisher({ mirror: m, workspace, lines, send: (u, d) => sent.push([u, d.length]) });
    publisher.update(['src/server.js', 'src/quiet.js']);
    // Only hits changed: the same diagnostics are not sent again.
    m.applyEvents([hits('e', 4)]);
    publisher.update(['src/server.js']);
    m.applyEvents([stateEvent('e', 'a1', Kind.ACTION_STATE_KIND_ACTIVE)]);
    publisher.update(['src/server.js']);
    publisher.update(['src/server.js']);
    assert.deepEqual(sent, [[uri, 1], [uri, 0]]);
  });
});

describe('log output', () => {
  it('turns log lines into a logMessage and a sonde/log with the action\'s place', () => {
    const m = mirrorWith(logInfo('a', 'src/server.js', 12, 'name={name}'));
    const out = logOutputs([logEvent('a', 'agent-7', 'name=world'), hits('a', 1), logEvent('gone', 'agent-7', 'late', 0)], m, workspace);
    assert.equal(out.length, 2);
    assert.deepEqual(out[0]!.message, { type: MessageType.Info, message: '[sonde] src/server.js:12 agent-7: name=world' });
    assert.deepEqual(out[0]!.notification, {
      actionId: 'a',
      agentId: 'agent-7',
      timeMs: Date.UTC(2025, 0, 2, 3, 4, 5),
      time: '2025-01-02T03:04:05.000Z',
      text: 'name=world',
      level: 'info',
      uri,
      line: 11,
    });
    assert.equal(out[1]!.notification.uri, undefined);
    assert.equal(out[1]!.message.message, '[sonde] action gone agent-7: late');
  });
});
