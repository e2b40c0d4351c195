import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type OtlpReceiver, startOtlpReceiver } from '../fakes/otlp-receiver.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { scriptQuotingModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

const TOKEN = 'otlp-api-token-0123456789';

describe('spans exported over OTLP/HTTP', () => {
  let openai: FakeOpenAI;
  let receiver: OtlpReceiver;
  let svc: RunningService | undefined;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    scriptQuotingModel(openai);
    receiver = await startOtlpReceiver();
    svc = await startHttpService({
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
      LLM_MAX_RETRIES: '0',
      DOCENT_API_TOKEN: TOKEN,
      INGEST_THREADS: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=s3cret%2C1',
      OTEL_SERVICE_NAME: 'docent-test',
    });
    await svc.services.knowledgeBase.ingest({
      tenantId: 'default',
      scope: 'tenant',
      source: 'leave.md',
      fetchData: bytesOf('# Leave\n\nEveryone gets 25 days of paid leave a year.'),
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await receiver.close();
    await openai.close();
  });

  it("delivers the answer's spans, under the trace id the API returned", async () => {
    const running = svc as RunningService;
    const res = await fetch(`${running.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ question: 'how many days of paid leave do I get?' }),
    });
    const answer = await res.json();
    expect(answer.answer).toContain('25 days');
    // Stopping flushes the batch that is still waiting, as a deploy's SIGTERM does.
    await running.stop();
    svc = undefined;

    const spans = receiver.spans.filter((s) => s.traceId === answer.trace_id);
    const named = (name: string) => spans.find((s) => s.name === name);
    expect(spans.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'ask',
        'cache',
        'classify',
        'retrieve',
        'answer',
        'chat gpt-4o-mini',
        'remember',
      ]),
    );
    const root = named('ask');
    expect(root).toMatchObject({
      parentSpanId: '',
      serviceName: 'docent-test',
      attributes: expect.objectContaining({ 'docent.tenant_id': 'default', 'docent.answer_id': answer.id }),
    });
    expect(named('retrieve')?.parentSpanId).toBe(root?.spanId);
    expect(named('retrieve')?.events[0]).toMatchObject({
      name: 'passage',
      attributes: expect.objectContaining({ 'docent.passage.source': 'leave.md' }),
    });
    const answering = spans.find((s) => s.attributes['docent.model.purpose'] === 'answer');
    expect(answering?.parentSpanId).toBe(named('answer')?.spanId);
    expect(answering?.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'docent.model.outcome': 'ok',
    });
    expect(receiver.headers[0]?.['x-collector-key']).toBe('s3cret,1');
  });
});
