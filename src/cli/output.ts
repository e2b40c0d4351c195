import type { AnswerResult } from '../core/ask.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

const excerpt = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatAnswer(result: AnswerResult): string {
  const lines = [result.answer, ''];
  if (result.note) lines.push(`(${result.note})`, '');
  if (result.sources.length > 0) {
    lines.push('Sources:');
    for (const s of result.sources)
      lines.push(`  [${s.n}] ${s.title} (${s.source})`, `      ${excerpt(s.text)}`);
    lines.push('');
  }
  const cost = result.cost_usd > 0 ? `, $${result.cost_usd.toFixed(5)}` : '';
  lines.push(`(${result.model}${result.cached ? ', cached' : ''}, ${result.latency_ms} ms${cost})`);
  return lines.join('\n');
}
