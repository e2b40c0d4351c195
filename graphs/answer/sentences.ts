export interface Sentence {
  text: string;
  /** The nearest heading above it, which tells what the sentence is about. */
  heading: string;
  /** Whether it is a list (or begins one): the steps of a procedure are written as lists. */
  listed: boolean;
  /** Whether it holds code: a `span` in prose, or a line of a fenced block. */
  code: boolean;
  /** A line of a fenced code block, rather than prose. */
  codeLine: boolean;
}

const HEADING = /^\s*#{1,6}\s+(.*)$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}/;
const FENCE = /^\s*(```|~~~)/;
const CODE_SPAN = /`[^`\s][^`]*`/;
// A list item shorter than this stays whole: "`rcompare(v1, v2)`: The reverse of compare. Sorts…"
// loses what it is about when cut after its first sentence.
const WHOLE_ITEM_CHARS = 300;
// How much of the code under a lead-in ending in ":" it keeps: enough for a command.
const LEAD_IN_CODE_CHARS = 160;

const clean = (s: string) =>
  s
    .replace(/\*\*|__|`/g, '')
    .replace(/^>\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();

const splitSentences = (body: string) => body.split(/(?<=[.!?]`?)\s+(?=[A-Z0-9"'([`])/);

/**
 * Splits a passage into answerable sentences. Headings are not answers but label what follows;
 * a lead-in ending in ":" keeps the list or the command it introduces; table rows read as
 * "cell; cell"; lines of code are sentences of their own; a fragment cut off by passage boundaries is dropped.
 */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let heading = '';
  let leadIn: Sentence | undefined;
  let inFence = false;
  const lines = text.split('\n');
  const textLines = lines.map((l, i) => (l.trim() && !HEADING.test(l) ? i : -1)).filter((i) => i >= 0);
  const firstText = textLines[0];
  const lastText = textLines.at(-1);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (FENCE.test(line)) {
      inFence = !inFence;
      return;
    }
    if (inFence) {
      const code = codeLine(line, heading);
      if (!code) return;
      // "use the NINJA env var:" is answered by the command under it.
      if (leadIn?.text.endsWith(':')) {
        leadIn.text = `${leadIn.text} ${code.text}`.slice(0, leadIn.text.length + 1 + LEAD_IN_CODE_CHARS);
        leadIn.code = true;
      }
      leadIn = undefined;
      out.push(code);
      return;
    }
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
      leadIn.code ||= CODE_SPAN.test(line);
      return;
    }
    const body = line.startsWith('|')
      ? line
          .split('|')
          .filter((c) => c.trim())
          .join('; ')
      : line.replace(LIST_ITEM, '');
    const parts = isItem && body.length <= WHOLE_ITEM_CHARS ? [body] : splitSentences(body);
    parts.forEach((rawPart, i) => {
      const part = clean(rawPart);
      const first = index === firstText && i === 0 && !isItem;
      const last = index === lastText && i === parts.length - 1;
      // A passage may start or end mid-sentence where the splitter cut it.
      if (
        (first && /^([a-z]|\d[\d.]*(,| and | or ))/.test(part)) ||
        (last && !/[.!?:;)"']$/.test(part) && part.split(' ').length > 3 && !line.startsWith('|'))
      )
        return;
      if (part.length < 12 || !/\p{L}/u.test(part)) return;
      const sentence = {
        text: part,
        heading,
        listed: isItem,
        code: CODE_SPAN.test(rawPart),
        codeLine: false,
      };
      out.push(sentence);
      // A lead-in ending in ":" gathers the list or command after it; so does a list's first item,
      // keeping the steps of one procedure together.
      leadIn = part.endsWith(':') || isItem ? sentence : undefined;
    });
  });
  return out;
}

/** A line of a fenced block as a sentence of its own: a command or a comment in code is often the answer. */
function codeLine(line: string, heading: string): Sentence | undefined {
  const code = line.replace(/\s+/g, ' ');
  if (code.length < 4 || !/\p{L}/u.test(code)) return undefined;
  return { text: code, heading, listed: false, code: true, codeLine: true };
}
