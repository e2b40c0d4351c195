import { LRUCache } from 'lru-cache';

// Words that carry no topic; dropping them keeps both BM25 and the hashed embedding focused.
const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does doing for from had has have how i if in into is it its ' +
    'me my of on or our should so than that the their them then there these they this those to was we were what ' +
    'when where which who whom why will with would you your yours about after again all also am any because before ' +
    'being between both during each few further here just more most no nor not now only other over own same she he ' +
    'some such too under until up very while us get got please tell know want need'
  ).split(' '),
);

/** A light suffix stripper: enough that "rotating", "rotated" and "rotation" meet at "rotat". */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  for (const suffix of ['ational', 'ation', 'ement', 'ment', 'ing', 'ed', 'ly', 'er']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** What a lower-cased word becomes: its stem, or '' for a stopword or an overlong run. */
export function tokenFor(word: string): string {
  return word.length > 40 || STOPWORDS.has(word) ? '' : stem(word);
}

// Documents repeat their words, so each is worked out once rather than on every passage.
const knownWords = new LRUCache<string, string>({ max: 100_000 });

function tokenOf(word: string): string {
  let token = knownWords.get(word);
  if (token === undefined) {
    token = tokenFor(word);
    knownWords.set(word, token);
  }
  return token;
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    const token = tokenOf(word);
    if (token) out.push(token);
  }
  return out;
}
