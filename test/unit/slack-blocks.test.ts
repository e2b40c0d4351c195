import { describe, expect, it } from 'vitest';
import { splitText } from '../../adapters/shared/split-text.js';
import { answerMessages } from '../../adapters/slack/blocks.js';
import { markdownToMrkdwn, slackLink } from '../../adapters/slack/mrkdwn.js';
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
  it('converts Markdown to mrkdwn and leaves code unconverted', () => {
    expect(markdownToMrkdwn('## Steps\n**Bold** and [docs](https://x.io/a) `a**b` - item <tag>')).toBe(
      '*Steps*\n*Bold* and docs (<https://x.io/a>) `a**b` - item &lt;tag&gt;',
    );
    expect(markdownToMrkdwn('- one\n- two')).toBe('• one\n• two');
  });

  it('escapes markup everywhere, code included, so no mention, ping or disguised link forms', () => {
    expect(markdownToMrkdwn('Ask `<@U0ADMIN>` at `<https://evil.example|SSO portal>`')).toBe(
      'Ask `&lt;@U0ADMIN&gt;` at `&lt;https://evil.example|SSO portal&gt;`',
    );
    expect(markdownToMrkdwn('```\n<!everyone>\n```')).toBe('```\n&lt;!everyone&gt;\n```');
    expect(markdownToMrkdwn('<!chan<!here>nel> &lt;!here&gt;')).toBe(
      '&lt;!chan&lt;!here&gt;nel&gt; &amp;lt;!here&amp;gt;',
    );
    // A Markdown link shows where it goes; an address cannot close the link and open another.
    expect(markdownToMrkdwn('[SSO portal](https://evil.example/a|b&c)')).toBe(
      'SSO portal (<https://evil.example/a%7Cb&amp;c>)',
    );
    // Text cannot pose as a piece of code set aside.
    expect(markdownToMrkdwn('\uE0000\uE001 `<@U1>`')).toBe('0 `&lt;@U1&gt;`');
  });

  it('builds its own links only to http(s) addresses, with the title unable to break out', () => {
    expect(slackLink('https://wiki.example/p?a=1|x', 'Deploy > <!channel> | freeze')).toBe(
      '<https://wiki.example/p?a=1%7Cx|Deploy &gt; &lt;!channel&gt; | freeze>',
    );
    expect(slackLink('javascript:alert(1)', 'x')).toBeUndefined();
    expect(slackLink('not a url', 'x')).toBeUndefined();
  });

  it('escapes titles, file names and the plain-text fallback', () => {
    const [message] = answerMessages({
      ...result('Ask <!chan<!here>nel> now [1].'),
      sources: [
        { n: 1, doc_id: 'd', title: '<!channel> Deploy freeze', source: '<@U1>.md', score: 1, text: 't' },
        { n: 2, doc_id: 'e', title: 'Wiki|<!here>', source: 'https://wiki.example/a', score: 1, text: 't' },
      ],
    });
    expect(message?.text).toBe('Ask &lt;!chan&lt;!here&gt;nel&gt; now [1].');
    expect(JSON.stringify(message?.blocks)).toContain(
      '[1] &lt;!channel&gt; Deploy freeze (&lt;@U1&gt;.md)\\n[2] <https://wiki.example/a|Wiki|&lt;!here&gt;>',
    );
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

  it("credits a curated answer to the team's admins instead of a model", () => {
    const [message] = answerMessages({
      ...result('Use WireGuard.'),
      route: 'curated',
      model: 'curated',
      cached: false,
    });
    expect(JSON.stringify(message?.blocks.at(-2))).toContain("Answer from your team's admins");
  });
});
