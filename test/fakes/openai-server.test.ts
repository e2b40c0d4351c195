import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, type ChatOpenAIFields, OpenAIEmbeddings } from '@langchain/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeOpenAI, fakeEmbedding, startFakeOpenAI } from './openai-server.js';

let server: FakeOpenAI;

beforeEach(async () => {
  server = await startFakeOpenAI();
});

afterEach(async () => {
  await server.close();
});

// Retries default to 0 so a failing case surfaces at once instead of sitting in LangChain's back-off.
const chat = (fields: ChatOpenAIFields = {}) =>
  new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test',
    maxRetries: 0,
    configuration: { baseURL: server.url },
    ...fields,
  });

const callsTo = (model: string) => server.requests.filter((r) => r.model === model);

async function collect(stream: AsyncIterable<AIMessageChunk>) {
  let full: AIMessageChunk | undefined;
  let count = 0;
  for await (const chunk of stream) {
    full = full ? full.concat(chunk) : chunk;
    count++;
  }
  return { full, count };
}

const Answer = z.object({ answer: z.string(), confidence: z.number() });

describe('chat completions', () => {
  it('returns scripted text with the scripted usage as usage_metadata', async () => {
    server.script.on('gpt-4o-mini', {
      text: 'Hello from the fake',
      usage: { prompt_tokens: 11, completion_tokens: 5 },
    });

    const message = await chat().invoke('Say hi');

    expect(message.content).toBe('Hello from the fake');
    expect(message.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 5, total_tokens: 16 });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o-mini' });
    expect(request?.body?.messages).toEqual([{ role: 'user', content: 'Say hi' }]);
    expect(request?.headers.authorization).toBe('Bearer test');
  });

  it('routes handlers by model, falls back to "*", and estimates usage from text length', async () => {
    server.script.on('*', (req) => `${req.model} saw ${req.messages.length} message(s)`);
    server.script.on('gpt-4.1', 'specific');

    const specific = await chat({ model: 'gpt-4.1' }).invoke('abcdefgh');
    const generic = await chat({ model: 'gpt-4o' }).invoke([
      ['system', 'be brief'],
      ['human', 'hi'],
    ]);

    expect(specific.content).toBe('specific');
    // 'abcdefgh' is 8 chars -> 2 prompt tokens; 'specific' is 8 chars -> 2 completion tokens.
    expect(specific.usage_metadata).toMatchObject({ input_tokens: 2, output_tokens: 2, total_tokens: 4 });
    expect(generic.content).toBe('gpt-4o saw 2 message(s)');
    expect(callsTo('gpt-4.1')).toHaveLength(1);
    expect(callsTo('gpt-4o')).toHaveLength(1);
  });

  it('streams content in several chunks and ends with a usage chunk when include_usage is set', async () => {
    server.script.on('gpt-4o-mini', {
      text: 'The quick brown fox jumps over the lazy dog',
      usage: { prompt_tokens: 7, completion_tokens: 9 },
    });

    const { full, count } = await collect(await chat().stream('go'));

    expect(full?.content).toBe('The quick brown fox jumps over the lazy dog');
    expect(count).toBeGreaterThan(3);
    expect(full?.usage_metadata).toMatchObject({ input_tokens: 7, output_tokens: 9, total_tokens: 16 });
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('omits the usage chunk when the client does not ask for it', async () => {
    server.script.on('gpt-4o-mini', 'no usage here');

    const { full } = await collect(await chat({ streamUsage: false }).stream('go'));

    expect(full?.content).toBe('no usage here');
    expect(full?.usage_metadata).toBeUndefined();
    expect(server.requests[0]?.body?.stream_options).toBeUndefined();
  });

  it('streams a tool call whose arguments arrive split across chunks', async () => {
    server.script.on('gpt-4o-mini', { structured: { query: 'refund policy', limit: 3 }, tool: 'search' });
    const tools = ['lookup', 'search'].map((name) => ({
      type: 'function' as const,
      function: { name, parameters: { type: 'object', properties: {} } },
    }));

    const { full } = await collect(await chat().bindTools(tools).stream('find it'));

    expect(full?.tool_calls).toEqual([
      expect.objectContaining({ name: 'search', args: { query: 'refund policy', limit: 3 } }),
    ]);
  });
});

describe('structured output', () => {
  it('answers json_schema requests with JSON content (default method for gpt-4o)', async () => {
    server.script.on('gpt-4o', { structured: { answer: 'Paris', confidence: 0.9 } });

    const result = await chat({ model: 'gpt-4o' }).withStructuredOutput(Answer).invoke('Capital of France?');

    expect(result).toEqual({ answer: 'Paris', confidence: 0.9 });
    const body = server.requests[0]?.body;
    expect(body?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'extract' } });
    expect(body?.tools).toBeUndefined();
  });

  it('answers forced tool calls with the object as arguments (functionCalling)', async () => {
    server.script.on('gpt-4o', { structured: { answer: 'Paris', confidence: 0.9 } });

    const { raw, parsed } = await chat({ model: 'gpt-4o' })
      .withStructuredOutput(Answer, { method: 'functionCalling', name: 'answer_question', includeRaw: true })
      .invoke('Capital of France?');

    expect(parsed).toEqual({ answer: 'Paris', confidence: 0.9 });
    expect(raw).toMatchObject({ tool_calls: [expect.objectContaining({ name: 'answer_question' })] });
    const body = server.requests[0]?.body;
    expect(body?.tool_choice).toEqual({ type: 'function', function: { name: 'answer_question' } });
    expect(body?.response_format).toBeUndefined();
  });

  it('refuses unscripted structured requests with a non-retryable 400', async () => {
    await expect(chat().withStructuredOutput(Answer).invoke('?')).rejects.toMatchObject({ status: 400 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('embeddings', () => {
  const embeddings = (fields: ConstructorParameters<typeof OpenAIEmbeddings>[0] = {}) =>
    new OpenAIEmbeddings({
      model: 'text-embedding-3-small',
      apiKey: 'test',
      maxRetries: 0,
      configuration: { baseURL: server.url },
      ...fields,
    });

  it('serves deterministic base64 vectors by default', async () => {
    const [alpha, beta, alphaAgain] = await embeddings().embedDocuments(['alpha', 'beta', 'alpha']);

    expect(alpha).toHaveLength(16);
    expect(alpha).toEqual(fakeEmbedding('alpha', 16));
    expect(alphaAgain).toEqual(alpha);
    expect(beta).not.toEqual(alpha);
    expect(server.requests[0]?.body).toMatchObject({
      encoding_format: 'base64',
      input: ['alpha', 'beta', 'alpha'],
    });
  });

  it('serves float arrays on request and honours requested dimensions', async () => {
    const vector = await embeddings({ encodingFormat: 'float', dimensions: 8 }).embedQuery('alpha');

    expect(vector).toEqual(fakeEmbedding('alpha', 8));
    expect(server.requests[0]?.body).toMatchObject({ encoding_format: 'float', dimensions: 8 });
  });

  it('reports usage in the reply', async () => {
    const response = await fetch(`${server.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'abcdefgh', encoding_format: 'float' }),
    });

    expect(await response.json()).toMatchObject({ usage: { prompt_tokens: 2, total_tokens: 2 } });
  });
});

describe('failures', () => {
  it('makes the client wait out Retry-After on 429 and then succeed', async () => {
    server.script.once('gpt-4o-mini', { status: 429, retryAfter: 3 });
    server.script.on('gpt-4o-mini', 'recovered');

    const message = await chat({ maxRetries: 2 }).invoke('hi');

    expect(message.content).toBe('recovered');
    const [first, second] = callsTo('gpt-4o-mini');
    expect(callsTo('gpt-4o-mini')).toHaveLength(2);
    // LangChain's own back-off for a first retry stays under 2s, so a gap of ~3s proves the header was used.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2900);
  });

  it('surfaces a 500 without retrying when maxRetries is 0, for as many calls as were queued', async () => {
    server.script.once('gpt-4o-mini', { status: 500, message: 'upstream exploded' }, 2);

    await expect(chat().invoke('hi')).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('upstream exploded'),
    });
    expect(server.requests).toHaveLength(1);
    await expect(chat().invoke('hi')).rejects.toMatchObject({ status: 500 });
    await expect(chat().invoke('hi')).resolves.toMatchObject({
      content: 'Fake reply from gpt-4o-mini to: hi',
    });
  });

  it('lets the client time out on a delayed reply', async () => {
    server.script.on('gpt-4o-mini', { text: 'too late', delayMs: 5_000 });

    const started = Date.now();
    await expect(chat({ timeout: 200 }).invoke('hi')).rejects.toMatchObject({ name: 'TimeoutError' });

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('surfaces an unparseable body as an error, streaming or not', async () => {
    server.script.on('gpt-4o-mini', { malformed: '{"id": "chatcmpl-broken", "choices": [' });

    // The SDK logs the offending SSE line before throwing; keep that out of the test output.
    const quiet = chat({ configuration: { baseURL: server.url, logLevel: 'off' } });

    await expect(quiet.invoke('hi')).rejects.toBeInstanceOf(SyntaxError);
    // stream() already pulls the first chunk, so the failure can surface before iteration starts.
    await expect((async () => collect(await quiet.stream('hi')))()).rejects.toBeInstanceOf(SyntaxError);
    expect(server.requests.map((r) => r.body?.stream)).toEqual([false, true]);
  });
});
