import assert from 'node:assert/strict';
import { ActionMirror, RecentLogs } from '@sonde/client-core';
import { Kind, logInfo, state } from '@sonde/client-core/testing';
import { hover } from '../src/features/hover.js';
import { Workspace } from '../src/workspace.js';

const workspace = new Workspace('/srv/shop');
const uri = 'file:///srv/shop/src/server.js';
const at = (line: number) => ({ textDocument: { uri }, position: { line, character: 4 } });

describe('hover', () => {
  it('shows the action, its hits and state, and its last lines, on the 0-based line', () => {
    const mirror = new ActionMirror();
    mirror.reset([logInfo('a', 'src/server.js', 12, 'name={name}', { hits: 2, states: [state('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)] })]);
    const recent = new RecentLogs();
    recent.add('a', { timeMs: Date.UTC(2026, 0, 1, 3, 4, 5, 678), agentId: 'agent-1', text: 'name=aa' });
    const h = hover(at(11), mirror, workspace, recent);
    const value = (h?.contents as { value: string }).value;
    assert.match(value, /^\*\*Sonde\*\* log "name=\{name\}" · 2 hits · active\n/);
    assert.match(value, /03:04:05\.678 \[agent-1\] name=aa/);
    assert.equal(hover(at(12), mirror, workspace, recent), null, 'nothing on a line without actions');
  });

  it('says in words what an action lost, only when it lost something', () => {
    const mirror = new ActionMirror();
    mirror.reset([
      logInfo('a', 'src/server.js', 12, 'name={name}', { hits: 300, dropped: 12, suppressed: 250, states: [state('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)] }),
      logInfo('b', 'src/server.js', 13, 'n={n}', { hits: 1, states: [state('b', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)] }),
    ]);
    const value = (hover(at(11), mirror, workspace, new RecentLogs())?.contents as { value: string }).value;
    assert.equal(
      value,
      "**Sonde** log \"name={name}\" · 300 hits · active\n\n12 events were lost before reaching the gateway (an agent's buffer was full while the gateway was away); 250 hits were not reported: an agent's rate limit held them back.\n\n_no lines yet_",
    );
    const quiet = (hover(at(12), mirror, workspace, new RecentLogs())?.contents as { value: string }).value;
    assert.equal(quiet, '**Sonde** log "n={n}" · 1 hit · active\n\n_no lines yet_');
  });

  it('says whose someone else\'s action is, read-only unless this editor is an admin\'s', () => {
    const mirror = new ActionMirror();
    const info = logInfo('a', 'src/server.js', 12, 'name={name}', { hits: 1, states: [state('a', 'agent-1', Kind.ACTION_STATE_KIND_ACTIVE)] });
    mirror.reset([{ ...info, action: { ...info.action, creator: 'ada' } }]);
    const text = (who?: { me: string | undefined; mayRemoveOthers: boolean }) => (hover(at(11), mirror, workspace, new RecentLogs(), undefined, who)?.contents as { value: string }).value;
    assert.match(text({ me: 'vic', mayRemoveOthers: false }), /\n\nAdded by ada: read-only here; only ada or an admin may remove it\.\n/);
    assert.match(text({ me: 'root', mayRemoveOthers: true }), /\n\nAdded by ada; as an admin you may remove it\.\n/);
    assert.doesNotMatch(text({ me: 'ada', mayRemoveOthers: false }), /Added by/, 'one\'s own action needs no name');
    assert.doesNotMatch(text(undefined), /Added by/, 'nothing is said before the editor knows who it is');
  });
});
