import { describe, expect, it } from 'vitest';
import { markdownToPlain } from '../../adapters/terminal/plain-text.js';
import { renderFilesAdded, renderSources } from '../../adapters/terminal/render.js';
import type { AnswerResult, SourceView } from '../../src/core/ask.js';

const source = (n: number, score: number, text: string): SourceView => ({
  n,
  doc_id: `doc-${n}`,
  title: `Title ${n}`,
  source: `docs/${n}.md`,
  score,
  text,
});

const answered = (sources: SourceView[]): AnswerResult => ({
  id: 'a',
  answer: 'An answer [1] [2] [3].',
  sources,
  route: 'extractive',
  model: 'extractive',
  cached: false,
  latency_ms: 5,
  tokens: { input: 0, output: 0 },
  cost_usd: 0,
});

describe('/sources in the terminal', () => {
  it('lists passages best first, each under the number its citation uses', () => {
    const text = renderSources(
      answered([source(1, 0.0222, 'one'), source(2, 0.0228, 'two'), source(3, 0.0227, 'three')]),
    );
    const headers = text.split('\n').filter((line) => line.startsWith('['));
    expect(headers).toEqual([
      '[2] Title 2 (docs/2.md, score 0.0228)',
      '[3] Title 3 (docs/3.md, score 0.0227)',
      '[1] Title 1 (docs/1.md, score 0.0222)',
    ]);
  });

  it('shows a passage as plain text, line by line', () => {
    const text = renderSources(
      answered([
        source(
          1,
          0.02,
          '## How to Request Leave\n\n1. Open PeopleDesk and choose **Time Off → New Request**.\n2. Run `nw deploy`, see [the runbook](https://wiki/run).',
        ),
      ]),
    );
    expect(text).toBe(
      [
        '[1] Title 1 (docs/1.md, score 0.02)',
        '    How to Request Leave',
        '    1. Open PeopleDesk and choose Time Off → New Request.',
        '    2. Run nw deploy, see the runbook (https://wiki/run).',
      ].join('\n'),
    );
  });

  it('cuts a long passage once', () => {
    const text = renderSources(answered([source(1, 0.02, `${'word '.repeat(100)}\n${'more '.repeat(100)}`)]));
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^ {4}more .*[^…]…$/);
    expect(text.length).toBeLessThan(700);
  });
});

describe('markdown as plain text', () => {
  it('drops emphasis, headings and quote marks, and leaves other stars and underscores alone', () => {
    expect(markdownToPlain('# Title\n> quoted *word* and __strong__ and _it_')).toBe(
      'Title\nquoted word and strong and it',
    );
    expect(markdownToPlain('2 * 3 * 4 = 24; snake_case_name; a*b*c; - a bullet')).toBe(
      '2 * 3 * 4 = 24; snake_case_name; a*b*c; - a bullet',
    );
  });
});

describe('/files in the terminal', () => {
  it('sums up the files, with a line only for each one that failed', () => {
    expect(
      renderFilesAdded([
        { name: 'notes/a.md', status: 'indexed', passages: 3 },
        { name: 'notes/b.md', status: 'indexed', passages: 1 },
        { name: 'notes/c.md', status: 'unchanged' },
        { name: 'notes/d.pdf', status: 'failed', reason: 'notes/d.pdf: the PDF is damaged.' },
      ]),
    ).toBe(
      'Could not index notes/d.pdf: the PDF is damaged.\n2 indexed, 1 unchanged, 1 failed — 4 passages.',
    );
  });
});
