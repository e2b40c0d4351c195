import { cleanInline, withoutComments } from './inline.js';
import { tableRows } from './table.js';

// Markdown as reading text, block by block, before it is split into passages: a paragraph or list
// item wrapped over several lines becomes one line (the answerer quotes by line); code stays as
// written; table rows carry their column names; comments, link definitions and rules go.

const FENCE = /^\s*(`{3,}|~{3,})/;
const ATX_HEADING = /^\s{0,3}#{1,6}(?:\s|$)/;
const SETEXT_UNDERLINE = /^\s{0,3}(=+|-+)\s*$/;
const THEMATIC_BREAK = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)/;
const QUOTE = /^\s{0,3}>/;
const LINK_DEFINITION = /^\s{0,3}\[[^\]^][^\]]*\]:\s*\S/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;
const INDENTED_CODE = /^(?: {4}|\t)/;
// A line ending in two spaces or a backslash breaks the line on purpose.
const HARD_BREAK = /(?: {2,}|\\)$/;

class Blocks {
  readonly out: string[] = [];
  private open: string | undefined;
  private brokenAfter = false;

  /** Continues the open paragraph or item, or opens one. */
  add(line: string, startsBlock: boolean): void {
    if (this.open !== undefined && !startsBlock && !this.brokenAfter) {
      this.open = `${this.open} ${line.trim()}`;
    } else {
      this.flush();
      this.open = line.trimEnd();
    }
    this.brokenAfter = HARD_BREAK.test(line);
  }

  /** The open paragraph, when the line under it makes it a heading (`Title` over `=====`). */
  takeParagraph(): string | undefined {
    const text = this.open;
    if (text === undefined || LIST_ITEM.test(text)) return undefined;
    this.open = undefined;
    return text;
  }

  flush(): void {
    if (this.open !== undefined) {
      const text = cleanInline(this.open.replace(/\\$/, ''));
      // An item keeps its indentation (it nests); a paragraph has none to keep.
      if (text.trim()) this.out.push(LIST_ITEM.test(this.open) ? text : text.trimStart());
    }
    this.open = undefined;
  }

  push(...lines: string[]): void {
    this.flush();
    this.out.push(...lines);
  }
}

/** The lines of a fenced or indented code block from `start`, and where it ends. */
function codeBlock(lines: string[], start: number): { code: string[]; next: number } {
  const first = lines[start] ?? '';
  const fence = FENCE.exec(first);
  if (fence) {
    const marker = fence[1] as string;
    let end = start + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(marker)) end++;
    return { code: lines.slice(start, end + 1), next: end + 1 };
  }
  let end = start;
  while (end < lines.length && (INDENTED_CODE.test(lines[end] ?? '') || (lines[end] ?? '').trim() === ''))
    end++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return { code: lines.slice(start, end), next: end };
}

/** Consecutive lines matching `test` from `start`. */
function run(lines: string[], start: number, test: (line: string) => boolean): number {
  let end = start;
  while (end < lines.length && test(lines[end] ?? '')) end++;
  return end;
}

export function normalizeMarkdown(markdown: string): string {
  // A comment over several lines would otherwise be read line by line as text; one within a line
  // (or in code) is left to the line.
  const lines = withoutComments(markdown.replace(/\r\n?/g, '\n'), (comment) => !comment.includes('\n')).split(
    '\n',
  );
  const blocks = new Blocks();
  let inList = false;
  let afterBlank = true;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (line.trim() === '') {
      blocks.flush();
      if (blocks.out.at(-1) !== '') blocks.out.push('');
      afterBlank = true;
      i++;
      continue;
    }
    if (FENCE.test(line) || (INDENTED_CODE.test(line) && afterBlank && !inList)) {
      const { code, next: after } = codeBlock(lines, i);
      blocks.push(...code);
      i = after;
    } else if (line.includes('|') && TABLE_RULE.test(next) && !TABLE_RULE.test(line)) {
      const end = run(lines, i + 2, (l) => l.includes('|') && l.trim() !== '');
      blocks.push(...tableRows(lines.slice(i, end)).map(cleanInline));
      i = end;
    } else if (QUOTE.test(line)) {
      const end = run(lines, i, (l) => QUOTE.test(l));
      const inner = lines.slice(i, end).map((l) => l.replace(/^\s{0,3}(?:>\s?)+/, ''));
      blocks.push(...normalizeMarkdown(inner.join('\n')).split('\n'));
      i = end;
    } else {
      inList = lineBlock(blocks, line, afterBlank, inList);
      i++;
    }
    afterBlank = false;
  }
  blocks.flush();
  return blocks.out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A line that is neither code, a table nor a quote; returns whether a list is open after it. */
function lineBlock(blocks: Blocks, line: string, afterBlank: boolean, inList: boolean): boolean {
  // Link definitions, and lines that are only markup (an anchor, <details>), hold no text.
  if (LINK_DEFINITION.test(line) || cleanInline(line).trim() === '') {
    if (!LINK_DEFINITION.test(line)) blocks.flush();
    return inList;
  }
  const underline = SETEXT_UNDERLINE.exec(line);
  if (underline && !afterBlank) {
    const title = blocks.takeParagraph();
    if (title !== undefined) {
      blocks.push(`${underline[1]?.startsWith('=') ? '#' : '##'} ${cleanInline(title.trim())}`);
      return false;
    }
  }
  if (THEMATIC_BREAK.test(line)) {
    blocks.flush();
    return false;
  }
  if (ATX_HEADING.test(line)) {
    const heading = cleanInline(line.trim());
    blocks.push(...(/^#+\s*\S/.test(heading) ? [heading] : []));
    return false;
  }
  if (LIST_ITEM.test(line)) {
    blocks.add(line, true);
    return true;
  }
  // After a blank line, only an indented line still belongs to the list above.
  const leavesList = inList && afterBlank && !/^\s/.test(line);
  blocks.add(line, afterBlank || leavesList || /^\s*</.test(line));
  return inList && !leavesList;
}
