import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runChat } from '../../adapters/terminal/chat.js';
import type { AnswerOutput } from '../../src/core/ports/language-model.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { type Brain, grounded, scriptModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

const TOKEN = 'stream-token-0123456789abcdef';
const ROTATE =
  'Rotate the production API key from Settings, then API, then Rotate; the old key keeps working for a day [1].';
// A model that writes its answer eight characters every 20 ms: slow enough to see it forming.
const PACE = { chunkDelayMs: 20 };

let openai: FakeOpenAI;
let svc: RunningService;

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/** Posts a question and reads its event stream to the end, noting when each event arrived. */
async function askStreamed(question: string, init: { accept?: boolean } = {}) {
  const res = await fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      ...(init.accept ? { accept: 'text/event-stream' } : {}),
    },
    body: JSON.stringify(init.accept ? { question } : { question, stream: true }),
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

const askPlain = async (question: string) => {
  const res = await fetch(`${svc.url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ question }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

/** The text a reader sees at the end: deltas after the last reset. */
const shownText = (events: SseEvent[]) => {
  const lastReset = events.map((e) => e.event).lastIndexOf('reset');
  return events
    .slice(lastReset + 1)
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text)
    .join('');
};

const answering = (cheap: Brain['answer'], strong?: Brain['answer']) => {
  scriptModel(openai, 'gpt-4o-mini', { answer: cheap });
  scriptModel(openai, 'gpt-4o', { answer: strong ?? (() => ({ status: 400 })) });
};
const paced = (answer: AnswerOutput) => ({ structured: answer, ...PACE });

beforeAll(async () => {
  openai = await startFakeOpenAI();
  svc = await startHttpService({
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: openai.url,
    LLM_MAX_RETRIES: '0',
    DOCENT_API_TOKENS: `acme:${TOKEN}`,
    RATE_LIMIT_PER_MINUTE: '0',
    INGEST_THREADS: '0',
  });
  await svc.services.knowledgeBase.ingest({
    tenantId: 'acme',
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf(
      '# API keys\n\nRotate the production API key from Settings, then API, then Rotate. The old key works for 24 hours.',
    ),
  });
});

afterAll(async () => {
  await svc?.stop();
  await openai?.close();
});

beforeEach(async () => {
  openai.script.reset();
  await svc.services.cache.flush();
});

describe('answers streamed as Server-Sent Events', () => {
  it('sends the text as the model writes it, then the same document a plain request gets', async () => {
    answering(() => paced(grounded(ROTATE)));
    const events = await askStreamed('how do I rotate the production API key?');
    const deltas = events.filter((e) => e.event === 'delta');
    const done = events.at(-1) as SseEvent;
    expect(done.event).toBe('done');
    expect(deltas.length).toBeGreaterThan(3);
    // The first words showed while the model was still writing the rest.
    expect(done.at - (deltas[0] as SseEvent).at).toBeGreaterThan(100);
    expect(shownText(events)).toBe(ROTATE);
    expect(done.data.answer).toBe(ROTATE);

    await svc.services.cache.flush();
    answering(() => grounded(ROTATE));
    const plain = await askPlain('how do I rotate the production API key?');
    expect(Object.keys(done.data).sort()).toEqual(Object.keys(plain).sort());
    expect(done.data.sources).toEqual(plain.sources);
  });

  it('answers with Accept: text/event-stream too, and a cached answer arrives whole', async () => {
    answering(() => paced(grounded(ROTATE)));
    await askStreamed('where do I rotate the API key?', { accept: true });
    const again = await askStreamed('where do I rotate the API key?', { accept: true });
    expect(again.map((e) => e.event)).toEqual(['done']);
    expect(again[0]?.data).toMatchObject({ cached: true, answer: ROTATE });
  });

  it('withdraws a cheap answer that goes up to the strong model, and shows the strong one', async () => {
    const strongAnswer = 'From Settings, API, Rotate: the old key stays valid for 24 hours [1].';
    // Sure of itself, but citing nothing: escalated once it ends.
    answering(
      () =>
        paced({ covered: true, confidence: 'high', answer: 'Ask someone in the platform team.', cited: [] }),
      () => paced(grounded(strongAnswer)),
    );
    const events = await askStreamed('how is the API key rotated?');
    const kinds = events.map((e) => e.event);
    expect(kinds.indexOf('reset')).toBeGreaterThan(kinds.indexOf('delta'));
    expect(shownText(events)).toBe(strongAnswer);
    expect(events.at(-1)?.data).toMatchObject({ route: 'escalated', answer: strongAnswer });
  });

  it('shows nothing of a cheap answer that says it is unsure, nor pings the model put in', async () => {
    answering(
      () => paced(grounded('It might be under Settings [1].', [1], 'low')),
      () => paced(grounded('Rotate it under Settings, API, Rotate <!channel> and tell @here [1].')),
    );
    const events = await askStreamed('can the API key be rotated?');
    expect(events.map((e) => e.event)).not.toContain('reset');
    const shown = shownText(events);
    expect(shown).not.toMatch(/might|<!channel>|@here/);
    expect(shown).toBe(events.at(-1)?.data.answer);
  });

  it('reports a throttled question as an error event', async () => {
    const limited = await startHttpService({
      DOCENT_API_TOKENS: `acme:${TOKEN}`,
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_QUEUE: '0',
      INGEST_THREADS: '0',
    });
    try {
      const ask = () =>
        fetch(`${limited.url}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ question: 'anything about keys?', stream: true }),
        }).then((r) => r.text());
      await ask();
      const refused = await ask();
      expect(refused).toMatch(/^event: error\ndata: .*"error":"throttled".*"message":/m);
    } finally {
      await limited.stop();
    }
  });

  it('keeps answering when a client hangs up mid-stream', async () => {
    // Only the first call answers: an answer not cached by then would be quoted passages.
    let calls = 0;
    answering(() => (calls++ === 0 ? { structured: grounded(ROTATE), chunkDelayMs: 60 } : { status: 400 }));
    const controller = new AbortController();
    const res = await fetch(`${svc.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ question: 'rotating the API key, how?', stream: true }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: delta')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    // The answer completes and is cached: the next asker gets it whole.
    await expect
      .poll(async () => (await askPlain('rotating the API key, how?')).cached, { timeout: 5000 })
      .toBe(true);
  });
});

describe('the terminal chat', () => {
  const chatOnce = async (question: string) => {
    let text = '';
    const writes: { text: string; at: number }[] = [];
    const output = new Writable({
      write(chunk, _encoding, done) {
        text += chunk;
        writes.push({ text: String(chunk), at: Date.now() });
        done();
      },
    });
    await runChat({
      handleMessage: svc.services.handleMessage,
      tenantId: 'acme',
      input: Readable.from([`${question}\n`]),
      output,
      interactive: true,
      greeting: '',
      collectFiles: async () => ({ files: [], errors: [] }),
    });
    return { text, writes };
  };

  it('prints the answer as it is written, then its sources once', async () => {
    answering(() => paced(grounded(ROTATE)));
    const { text, writes } = await chatOnce('how do I rotate the production API key?');
    const first = writes.find((w) => w.text.startsWith('docent › '));
    const sources = writes.find((w) => w.text.includes('Sources:'));
    expect(first && sources && sources.at - first.at).toBeGreaterThan(100);
    // Streamed, then not printed again.
    expect(text.split(ROTATE.slice(0, 30)).length).toBe(2);
    expect(text).toMatch(/\[1\] API keys \(keys\.md\)/);
  });
});
