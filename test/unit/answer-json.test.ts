import { describe, expect, it } from 'vitest';
import type { SourceView } from '../../src/core/ask.js';
import { type ApiAnswer, apiAnswerJson } from '../../src/http/query/answer-json.js';

const source = (over: Partial<SourceView> = {}): SourceView => ({
  n: 1,
  doc_id: 'd1',
  title: 'Keys',
  source: 'keys.md',
  score: 0.83,
  text: 'Rotate the production API key in Settings, then API, then Rotate.',
  ...over,
});

// In the order the API has always sent its fields.
const apiAnswer = (over: Partial<ApiAnswer> = {}): ApiAnswer => ({
  id: 'a1',
  answer: 'In Settings, then API, then Rotate [1].',
  sources: [source()],
  latency_ms: 0,
  model: 'extractive',
  route: 'cached',
  cached: true,
  tokens: { input: 0, output: 0 },
  cost_usd: 0,
  session_id: 's1',
  ...over,
});

describe('apiAnswerJson', () => {
  it('writes the same text as JSON.stringify, field for field and in order', () => {
    const plain = apiAnswer();
    expect(apiAnswerJson(plain)).toBe(JSON.stringify(plain));
    const awkward = apiAnswer({
      answer: 'Quotes " and \\ back­slashes, a tab\t, "日本語" and 🚀\n[1]',
      sources: [source({ title: 'Ünïcode "title"', text: 'line\nbreak' }), source({ n: 2, score: 0.5 })],
      route: 'escalated',
      model: 'gpt-4o',
      cached: false,
      latency_ms: 1234,
      tokens: { input: 812, output: 97 },
      cost_usd: 0.001234,
      session_id: 'sess "quoted"',
      note: 'The cheap model failed; the strong one answered.',
    });
    expect(apiAnswerJson(awkward)).toBe(JSON.stringify(awkward));
    expect(JSON.parse(apiAnswerJson(awkward))).toEqual(awkward);
  });

  it('gives each answer its own sources, even when two answers share their text', () => {
    const first = apiAnswer({ sources: [source({ title: 'First' })] });
    const second = apiAnswer({ sources: [source({ title: 'Second' })] });
    for (let i = 0; i < 3; i++) {
      expect(JSON.parse(apiAnswerJson(first)).sources[0].title).toBe('First');
      expect(JSON.parse(apiAnswerJson(second)).sources[0].title).toBe('Second');
    }
    // The same answer served again with a new request id and session keeps its text and sources.
    const again = { ...first, id: 'a2', session_id: 's2', latency_ms: 1 };
    expect(apiAnswerJson(again)).toBe(JSON.stringify(again));
  });
});
