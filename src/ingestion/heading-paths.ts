// Where each passage sits in its document: the headings above it. Works on normalised Markdown
// (normalize/markdown.ts), where Setext headings are already ATX and HTML and DOCX headings have
// become `#` lines; plain text has none.

const FENCE = /^\s*(`{3,}|~{3,})/;
const ATX_HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
// A heading is a label: beyond this it is a sentence set as a heading, and the rest adds nothing.
const MAX_HEADING_CHARS = 120;

interface Heading {
  offset: number;
  level: number;
  title: string;
}

/** The document's headings in order, with where each starts; `#` lines inside code are not headings. */
function headingsOf(markdown: string): Heading[] {
  const headings: Heading[] = [];
  let fence: string | undefined;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker?.startsWith(fence)) fence = undefined;
    } else if (marker) {
      fence = marker;
    } else {
      const heading = ATX_HEADING.exec(line);
      const title = heading?.[2]?.trim().slice(0, MAX_HEADING_CHARS);
      if (heading && title) headings.push({ offset, level: (heading[1] as string).length, title });
    }
    offset += line.length + 1;
  }
  return headings;
}

/** For each offset (ascending), the path of headings in effect there: outermost first. */
function pathsAt(headings: Heading[], offsets: number[]): string[][] {
  const open: Heading[] = [];
  let next = 0;
  return offsets.map((offset) => {
    for (; next < headings.length && (headings[next] as Heading).offset <= offset; next++) {
      const heading = headings[next] as Heading;
      while (open.length > 0 && (open.at(-1) as Heading).level >= heading.level) open.pop();
      open.push(heading);
    }
    return open.map((h) => h.title);
  });
}

/**
 * The heading path where each passage starts. Passages come from splitting `markdown` in order and
 * may overlap, so each is looked for from just after where the one before it started; one that
 * cannot be found (the splitter trimmed it differently) takes its predecessor's place.
 */
export function headingPaths(markdown: string, passages: readonly string[]): string[][] {
  const headings = headingsOf(markdown);
  if (headings.length === 0) return passages.map(() => []);
  let previous = 0;
  const offsets = passages.map((passage, i) => {
    const found = markdown.indexOf(passage, i === 0 ? 0 : previous + 1);
    if (found >= 0) previous = found;
    return previous;
  });
  return pathsAt(headings, offsets);
}

const SEPARATOR = ' > ';

/**
 * "Security guide > API keys > Rotation": the document's title, then the headings. A first heading
 * that only repeats the title (a Markdown file's `# Title`) is not said twice.
 */
export function contextLabel(title: string, headings: readonly string[]): string {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const rest = headings[0] !== undefined && same(headings[0], title) ? headings.slice(1) : headings;
  return [title, ...rest].join(SEPARATOR);
}
