// Which agents an action goes to: the cases of protocol/conformance/routing.json
// through decide() and admits(), then how Routing decides as answers arrive
// (at once on the editor's content, at the deadlines otherwise, late answers
// after the choice).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sonde } from '@sonde/protocol';
import { fileQueryOf } from '../src/actions/file-check.js';
import { admits, decide, idleThread, Routing, runningIn, type FileAnswer } from '../src/actions/routing.js';

const { LineMatch } = sonde.v1;
const CONFORMANCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'protocol', 'conformance');

interface CaseAnswer { agent: string; app?: string; process?: string; loaded?: boolean; sees: boolean; sameContent?: boolean; lineMatch?: 'unknown' | 'same' | 'moved' | 'differs'; reason?: string }
interface RoutingCase {
  name: string;
  project?: string;
  explicit?: boolean;
  answers: CaseAnswer[];
  expect: { sendTo: string[] } | { refused: string } | { unseen: true };
  late?: { answer: CaseAnswer; sent: boolean }[];
}

const LINE_MATCH = { unknown: LineMatch.LINE_MATCH_UNKNOWN, same: LineMatch.LINE_MATCH_SAME, moved: LineMatch.LINE_MATCH_MOVED, differs: LineMatch.LINE_MATCH_DIFFERS };
/** An answer as askOne makes it: a file seen that is not loaded has no line match at all. */
const answerOf = (a: CaseAnswer): FileAnswer => ({
  agentId: a.agent, appName: a.app ?? '', process: a.process ?? `host/${a.agent}`, sees: a.sees, why: a.sees ? 'loaded' : 'not under its roots',
  ...(a.sees ? { loaded: a.loaded ?? true } : {}),
  ...(a.sees ? { sameContent: a.sameContent === true, lineMatch: LINE_MATCH[a.lineMatch ?? 'unknown'], lineReason: a.reason ?? '' } : {}),
});

const { cases } = JSON.parse(readFileSync(join(CONFORMANCE, 'routing.json'), 'utf8')) as { cases: RoutingCase[] };

describe('actions/routing: protocol/conformance/routing.json', () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.answers.map(answerOf), c.project ?? '', c.explicit ?? false);
      if ('sendTo' in c.expect) {
        assert.ok('route' in d, JSON.stringify(d));
        assert.deepEqual(d.to.map((a) => a.agentId), c.expect.sendTo);
        const running = runningIn(d.to);
        for (const l of c.late ?? []) assert.equal(admits(d.route, answerOf(l.answer)) && !idleThread(answerOf(l.answer), running), l.sent, `late ${l.answer.agent}`);
      } else if ('refused' in c.expect) {
        assert.deepEqual(d, { refused: c.expect.refused });
      } else {
        assert.ok('unseen' in d, JSON.stringify(d));
      }
    });
  }
});

describe('actions/Routing as answers arrive', () => {
  const same = (agent: string, app = '') => answerOf({ agent, app, sees: true, sameContent: true, lineMatch: 'same' });
  const moved = (agent: string) => answerOf({ agent, sees: true, lineMatch: 'moved' });
  const settled = async (r: Routing) => Promise.race([r.decision, new Promise<'open'>((res) => setImmediate(() => res('open')))]);

  it('decides on the first answer with the editor\'s content, without waiting for the others', async () => {
    const r = new Routing(['a', 'b', 'c'], '');
    r.answer(moved('b'));
    assert.equal(await settled(r), 'open');
    r.answer(same('a'));
    const d = await settled(r);
    assert.ok(d !== 'open' && 'route' in d);
    assert.deepEqual(d.to.map((x) => x.agentId), ['a']);
  });

  it('with a project, waits for an answer of its app before deciding on content alone', async () => {
    const r = new Routing(['other', 'koa'], 'koa-app');
    r.answer(same('other', 'other-app'));
    assert.equal(await settled(r), 'open');
    r.answer(same('koa', 'koa-app'));
    const d = await settled(r);
    assert.ok(d !== 'open' && 'route' in d);
    assert.deepEqual(d.to.map((x) => x.agentId), ['koa']);
  });

  it('decides at the first deadline when some answer fits, and sends late ones that fit as they come', async () => {
    const r = new Routing(['a', 'slow', 'slower'], '');
    r.answer(moved('a'));
    r.deadline(false);
    const d = await r.decision;
    assert.ok('route' in d);
    const late: string[] = [];
    r.answer(moved('slow'));
    r.followLate((id) => late.push(id));
    r.answer(answerOf({ agent: 'slower', sees: true, lineMatch: 'differs' }));
    assert.deepEqual(late, ['slow']);
  });

  it('with nothing fitting, waits past the first deadline for the silent and refuses at the last naming them', async () => {
    const r = new Routing(['a', 'silent'], '');
    r.answer(answerOf({ agent: 'a', sees: false }));
    r.deadline(false);
    assert.equal(await settled(r), 'open');
    r.deadline(true);
    assert.deepEqual(await r.decision, { unseen: 'a: not under its roots; silent: did not answer in time' });
  });

  it('asks with the action\'s place as the editor has it', () => {
    const q = fileQueryOf({ location: { file: 'app.js', line: 5 }, editorContentHash: 'ab', lineText: 'x();', linesBefore: ['a'], linesAfter: ['b'] });
    assert.deepEqual(q, { path: 'app.js', editorContentHash: 'ab', line: 5, lineText: 'x();', linesBefore: ['a'], linesAfter: ['b'] });
  });
});
