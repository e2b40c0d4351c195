export interface Sentence {
  text: string;
  /** The nearest heading above it, which tells what the sentence is about. */
  heading: string;
  /** Whether it is a list (or begins one): the steps of a procedure are written as lists. */
  listed: boolean;
}

const HEADING = /^\s*#{1,6}\s+(.*)$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}/;

const clean = (s: string) =>
  s
    .replace(/\*\*|__|`/g, '')
    .replace(/^>\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Splits a passage into answerable sentences. Headings are not answers but label what follows;
 * a lead-in ending in ":" keeps the list it introduces; table rows read as "cell; cell"; a
 * fragment cut off by passage boundaries is dropped.
 */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let heading = '';
  let leadIn: Sentence | undefined;
  const lines = text.split('\n');
  const textLines = lines.map((l, i) => (l.trim() && !HEADING.test(l) ? i : -1)).filter((i) => i >= 0);
  const firstText = textLines[0];
  const lastText = textLines.at(-1);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const headingMatch = HEADING.exec(line);
    if (headingMatch) {
      heading = clean(headingMatch[1] ?? '');
      leadIn = undefined;
      return;
    }
    if (line === '' || TABLE_RULE.test(line)) return;
    const isItem = LIST_ITEM.test(line);
    if (isItem && leadIn) {
      const separator = /[.:;!?]$/.test(leadIn.text) ? ' ' : '; ';
      leadIn.text = `${leadIn.text}${separator}${clean(line.replace(LIST_ITEM, ''))}`.slice(0, 400);
      return;
    }
    const body = line.startsWith('|')
      ? clean(
          line
            .split('|')
            .filter((c) => c.trim())
            .join('; '),
        )
      : clean(line.replace(LIST_ITEM, ''));
    const parts = body.split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])/);
    parts.forEach((part, i) => {
      const first = index === firstText && i === 0;
      const last = index === lastText && i === parts.length - 1;
      // A passage may start or end mid-sentence where the splitter cut it.
      if (
        (first && /^[a-z]/.test(part)) ||
        (last && !/[.!?:;)"']$/.test(part) && part.split(' ').length > 3 && !line.startsWith('|'))
      )
        return;
      if (part.length < 12 || !/\p{L}/u.test(part)) return;
      const sentence = { text: part, heading, listed: isItem };
      out.push(sentence);
      // A lead-in ending in ":" gathers the list after it; so does a list's first item, keeping
      // the steps of one procedure together.
      leadIn = part.endsWith(':') || isItem ? sentence : undefined;
    });
  });
  return out;
}
