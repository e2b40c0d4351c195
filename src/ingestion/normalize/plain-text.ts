// Plain text and PDF text layers wrap paragraphs at a fixed width. A line as long as a wrapped
// line is, followed by more text, is the same paragraph; short lines (names, addresses, a list
// without bullets) keep their breaks, and so do list items and indented blocks.

const WRAPPED_LINE_CHARS = 40;
const LIST_LIKE = /^\s*(?:[-*+•◦▪]|\d{1,3}[.)]|[a-z][.)])\s+/i;

function continues(previous: string, line: string): boolean {
  const before = previous.trimEnd();
  if (before.length < WRAPPED_LINE_CHARS || before.endsWith(':')) return false;
  if (line.trim() === '' || LIST_LIKE.test(line)) return false;
  // A line indented deeper than the one before starts a block of its own (code, a quotation).
  const indent = (s: string) => /^\s*/.exec(s)?.[0].length ?? 0;
  return indent(line) <= indent(previous);
}

export function joinWrappedLines(text: string): string {
  const out: string[] = [];
  let previous: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (previous !== undefined && out.length > 0 && continues(previous, line)) {
      const joined = out[out.length - 1] as string;
      // A word broken with a hyphen at the end of the line is joined back without a space.
      const glue = /\p{L}-$/u.test(joined.trimEnd()) && /^\s*\p{Ll}/u.test(line) ? '' : ' ';
      out[out.length - 1] = `${joined.trimEnd()}${glue}${line.trim()}`;
    } else {
      out.push(line);
    }
    previous = line;
  }
  return out.join('\n');
}
