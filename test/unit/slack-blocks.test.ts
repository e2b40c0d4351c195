import { describe, expect, it } from 'vitest';
import { splitText } from '../../adapters/shared/split-text.js';
import { answerMessages } from '../../adapters/slack/blocks.js';
import { markdownToMrkdwn } from '../../adapters/slack/mrkdwn.js';
import type { AnswerResult } from '../../src/core/ask.js';

const result = (answer: string, sources = 1): AnswerResult => ({
  id: 'a1',
  answer,
  sources: Array.from({ length: sources }, (_, i) => ({
    n: i + 1,
    doc_id: `d${i}`,
    title: `Doc ${i}`,
    source: `doc${i}.md`,
    score: 1,
    text: 't',
  })),
  route: 'cheap',
  model: 'gpt-4o-mini',
  cached: true,
  latency_ms: 1,
  tokens: { input: 0, output: 0 },
  cost_usd: 0,
});

describe('Slack rendering', () => {
  it('converts Markdown to mrkdwn and leaves code alone', () => {
    expect(markdownToMrkdwn('## Steps\n**Bold** and [docs](https://x.io/a) `a**b` - item <tag>')).toBe(
      '*Steps*\n*Bold* and <https://x.io/a|docs> `a**b` - item &lt;tag&gt;',
    );
    expect(markdownToMrkdwn('- one\n- two')).toBe('• one\n• two');
  });

  it('splits at sentence or paragraph ends within the limit', () => {
    const pieces = splitText(`${'Alpha beta gamma. '.repeat(300)}`, 3000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(3000);
      expect(p.endsWith('.')).toBe(true);
    }
  });

  it('keeps every section under 3,000 characters and every message under 50 blocks', () => {
    const long = 'A sentence that goes on for a while. '.repeat(5000);
    const messages = answerMessages(result(long, 12));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      for (const b of m.blocks)
        if (b.type === 'section') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
    }
    const text = messages
      .flatMap((m) =>
        m.blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text),
      )
      .join(' ');
    expect(text.replace(/\s+/g, ' ').trim()).toBe(long.trim());
    const last = messages.at(-1)?.blocks ?? [];
    expect(last.at(-1)?.type).toBe('actions');
    expect(messages.slice(0, -1).every((m) => m.blocks.every((b) => b.type !== 'actions'))).toBe(true);
  });

  it('shows sources, a footer with model and cache, and feedback buttons carrying the answer id', () => {
    const [message] = answerMessages(result('Short [1].', 2));
    const kinds = message?.blocks.map((b) => b.type);
    expect(kinds).toEqual(['section', 'context', 'context', 'actions']);
    expect(JSON.stringify(message?.blocks[1])).toContain('[1] Doc 0 (doc0.md)\\n[2] Doc 1 (doc1.md)');
    expect(JSON.stringify(message?.blocks[2])).toContain('gpt-4o-mini · cached');
    expect(JSON.stringify(message?.blocks[3])).toContain('"value":"a1"');
  });
});
