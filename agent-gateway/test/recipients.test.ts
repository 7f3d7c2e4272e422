// Which agents an action goes to when several see its file: the ones that run
// the editor's content, else the ones whose file has the line, else the ones
// that could not compare; none, and the refusal says what each running line reads.
import assert from 'node:assert/strict';
import { sonde } from '@sonde/protocol';
import { chooseRecipients, fileQueryOf, type FileAnswer } from '../src/actions/file-check.js';

const { LineMatch } = sonde.v1;
const agent = (agentId: string, more: Partial<FileAnswer> = {}): FileAnswer => ({ agentId, sees: true, why: 'loaded', ...more });
const ids = (r: ReturnType<typeof chooseRecipients>) => ('to' in r ? r.to.map((a) => a.agentId) : r.refused);

describe('actions/chooseRecipients', () => {
  it('sends to the agents that run the editor\'s content, even when another has the same line', () => {
    const koa = agent('koa', { sameContent: true, lineMatch: LineMatch.LINE_MATCH_SAME });
    const fastify = agent('fastify', { lineMatch: LineMatch.LINE_MATCH_SAME });
    assert.deepEqual(ids(chooseRecipients([koa, fastify])), ['koa']);
  });

  it('else to those whose running file has the line, where it is or elsewhere, not to the one without it', () => {
    const answers = [agent('a', { lineMatch: LineMatch.LINE_MATCH_MOVED, lineReason: 'placed at running line 14 (your line 12): the running code differs' }), agent('b', { lineMatch: LineMatch.LINE_MATCH_DIFFERS, lineReason: 'x' }), agent('c', { lineMatch: LineMatch.LINE_MATCH_SAME })];
    assert.deepEqual(ids(chooseRecipients(answers)), ['a', 'c']);
  });

  it('else to the agents that could not compare (file not loaded yet, source maps, older agents), never to those that do not see the file', () => {
    assert.deepEqual(ids(chooseRecipients([agent('later'), agent('blind', { sees: false }), agent('b', { lineMatch: LineMatch.LINE_MATCH_DIFFERS })])), ['later']);
  });

  it('refuses when every agent that sees the file runs other code there, with each one\'s words', () => {
    const r = chooseRecipients([agent('a', { lineMatch: LineMatch.LINE_MATCH_DIFFERS, lineReason: 'the running code differs: no running line reads "x();"; running line 4 reads "y();"' }), agent('b', { lineMatch: LineMatch.LINE_MATCH_DIFFERS })]);
    assert.equal(ids(r), 'a: the running code differs: no running line reads "x();"; running line 4 reads "y();"; b: its running file differs');
  });

  it('asks with the action\'s place as the editor has it', () => {
    const q = fileQueryOf({ location: { file: 'app.js', line: 5 }, editorContentHash: 'ab', lineText: 'x();', linesBefore: ['a'], linesAfter: ['b'] });
    assert.deepEqual(q, { path: 'app.js', editorContentHash: 'ab', line: 5, lineText: 'x();', linesBefore: ['a'], linesAfter: ['b'] });
  });
});
