// npm run bench:near-duplicates: how well ways of matching a question to a cached one tell
// rephrasings from different questions, on labelled pairs. A wrong match serves another
// question's answer; a missed rephrasing only costs a model call.
import { readFile } from 'node:fs/promises';
import { normaliseQuestion, questionSignature } from '../graphs/answer/cache-key.js';
import { stem } from '../src/core/tokenize.js';
import { embedLocally } from '../src/ingestion/local-embedder.js';

interface Pair {
  a: string;
  b: string;
  same: boolean;
}

const pairs = (await readFile('test/fixtures/eval/near-duplicates.jsonl', 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Pair);
const rephrasings = pairs.filter((p) => p.same).length;

const similarity = (a: string, b: string) => {
  const x = embedLocally(a);
  const y = embedLocally(b);
  return x.reduce((sum, v, i) => sum + v * (y[i] ?? 0), 0);
};
const sortedWords = (q: string) => questionSignature(q).split(' ').sort().join(' ');
// A looser signature tried first: auxiliaries and modals dropped too, words stemmed.
const LOOSE_PHRASING = new Set(
  'a an the do does did i me you we us is are am be can could would please tell to just kindly s'.split(' '),
);
const looseSignature = (q: string) =>
  [...q.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)]
    .map((m) => m[0])
    .filter((w) => !LOOSE_PHRASING.has(w))
    .map(stem)
    .join(' ');

function judge(name: string, matches: (p: Pair) => boolean) {
  const matched = pairs.filter(matches);
  const wrong = matched.filter((p) => !p.same);
  return {
    strategy: name,
    wrong_answers_served: wrong.length,
    rephrasings_found: matched.length - wrong.length,
    recall: Number(((matched.length - wrong.length) / rephrasings).toFixed(3)),
    wrong: wrong.map((p) => `${p.a} | ${p.b}`),
  };
}

const strategies = [
  judge('the same normalised text', (p) => normaliseQuestion(p.a) === normaliseQuestion(p.b)),
  judge(
    'the same signature: same words in the same order (the cache key)',
    (p) => questionSignature(p.a) === questionSignature(p.b),
  ),
  judge(
    'auxiliaries and modals dropped too, words stemmed',
    (p) => looseSignature(p.a) === looseSignature(p.b),
  ),
  ...[0, 0.8, 0.9, 0.95].map((t) =>
    judge(
      `same words in any order, embedding similarity >= ${t}`,
      (p) => sortedWords(p.a) === sortedWords(p.b) && similarity(p.a, p.b) >= t,
    ),
  ),
  ...[0.8, 0.85, 0.9, 0.95].map((t) =>
    judge(`embedding similarity >= ${t} alone`, (p) => similarity(p.a, p.b) >= t),
  ),
];
console.log(JSON.stringify({ pairs: pairs.length, rephrasings, strategies }, null, 2));
