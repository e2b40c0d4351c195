import type { AnswerResult } from '../../src/core/ask.js';
import { describeFileOutcome } from '../../src/core/handle-message.js';
import type { FileOutcome } from '../../src/core/message.js';
import { answeredBy } from '../shared/answered-by.js';
import { markdownToPlain } from './plain-text.js';

const excerpt = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * An answer as the terminal shows it: the text, a note if something degraded, numbered sources
 * (with a line of each passage when asked), and what answered it.
 */
export function renderAnswer(result: AnswerResult, options: { excerpts?: boolean } = {}): string {
  return [result.answer, ...answerFooter(result, options)].join('\n');
}

/** What follows an answer's text: the note, the sources and what answered it. */
export function answerFooter(result: AnswerResult, options: { excerpts?: boolean } = {}): string[] {
  const lines: string[] = [];
  if (result.note) lines.push(`(${result.note})`);
  if (result.sources.length > 0) {
    lines.push('', 'Sources:');
    for (const s of result.sources) {
      lines.push(`  [${s.n}] ${s.title} (${s.source})`);
      if (options.excerpts) lines.push(`      ${excerpt(s.text, 160)}`);
    }
  }
  const cost = result.cost_usd > 0 ? `, $${result.cost_usd.toFixed(5)}` : '';
  lines.push(`  — ${answeredBy(result, ', cached')}, ${result.latency_ms} ms${cost}`);
  return lines;
}

/**
 * The last answer's passages, best first, as plain text; each keeps the number its citation uses.
 */
export function renderSources(result: AnswerResult | undefined): string {
  if (!result || result.sources.length === 0) return 'No sources for the last answer.';
  return [...result.sources]
    .sort((a, b) => b.score - a.score || a.n - b.n)
    .map((s) => `[${s.n}] ${s.title} (${s.source}, score ${s.score})\n${passageLines(s.text, 600)}`)
    .join('\n\n');
}

/** A passage's lines, indented, without blank ones, cut after about `max` characters. */
function passageLines(text: string, max: number): string {
  const lines = markdownToPlain(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const shown: string[] = [];
  let left = max;
  for (const line of lines) {
    if (line.length > left) {
      shown.push(excerpt(line, Math.max(left, 2)));
      break;
    }
    shown.push(line);
    left -= line.length;
  }
  return shown.map((line) => `    ${line}`).join('\n');
}

/** What /files did: a line for each file that could not be added, then the totals. */
export function renderFilesAdded(files: FileOutcome[]): string {
  const count = (status: FileOutcome['status']) => files.filter((f) => f.status === status).length;
  const passages = files.reduce((sum, f) => sum + (f.status === 'indexed' ? (f.passages ?? 0) : 0), 0);
  const failures = files.filter((f) => f.status === 'failed').map(describeFileOutcome);
  const totals =
    `${count('indexed')} indexed, ${count('unchanged')} unchanged, ${count('failed')} failed — ` +
    `${passages} passage${passages === 1 ? '' : 's'}.`;
  return [...failures, totals].join('\n');
}
