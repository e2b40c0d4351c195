import type { AnswerResult } from '../../src/core/ask.js';

const excerpt = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * An answer as the terminal shows it: the text, a note if something degraded, numbered sources
 * (with a line of each passage when asked), and what answered it.
 */
export function renderAnswer(result: AnswerResult, options: { excerpts?: boolean } = {}): string {
  const lines = [result.answer];
  if (result.note) lines.push(`(${result.note})`);
  if (result.sources.length > 0) {
    lines.push('', 'Sources:');
    for (const s of result.sources) {
      lines.push(`  [${s.n}] ${s.title} (${s.source})`);
      if (options.excerpts) lines.push(`      ${excerpt(s.text, 160)}`);
    }
  }
  const cost = result.cost_usd > 0 ? `, $${result.cost_usd.toFixed(5)}` : '';
  lines.push(`  — ${result.model}${result.cached ? ', cached' : ''}, ${result.latency_ms} ms${cost}`);
  return lines.join('\n');
}

export function renderSources(result: AnswerResult | undefined): string {
  if (!result || result.sources.length === 0) return 'No sources for the last answer.';
  return result.sources
    .map((s) => `[${s.n}] ${s.title} (${s.source}, score ${s.score})\n${excerpt(s.text, 600)}`)
    .join('\n\n');
}
