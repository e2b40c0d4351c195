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

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (word.length > 40 || STOPWORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}
