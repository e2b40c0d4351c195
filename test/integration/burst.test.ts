import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { requestsFor, scriptModel } from '../helpers/model-brain.js';
import { bytesOf } from '../helpers/temp-kb.js';

// 200 people ask at once, with the default limits and a model that takes 150 ms to answer. Each
// has a token of their own: limits follow the token, whatever session ids a body names.
const PEOPLE = [
  ...Array.from({ length: 180 }, (_, i) => `calm-${i}`),
  ...Array.from({ length: 20 }, (_, i) => `impatient-${i}`),
];
let openai: FakeOpenAI;
let service: RunningService;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  scriptModel(openai, 'gpt-4o-mini', {
    answer: () => ({
      structured: {
        answer: 'Badges are issued at the front desk [1].',
        cited: [1],
        covered: true,
        confidence: 'high',
      },
      delayMs: 150,
    }),
  });
  service = await startHttpService({
    DOCENT_API_TOKENS: PEOPLE.map((person) => `default:${person}`).join(','),
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: openai.url,
    EMBEDDINGS: 'local',
  });
  await service.services.knowledgeBase.ingest({
    tenantId: 'default',
    scope: 'tenant',
    source: 'badges.md',
    fetchData: bytesOf('# Badges\n\nBadges are issued at the front desk on your first day.'),
  });
});

afterAll(async () => {
  await service.stop();
  await openai.close();
});

function ask(question: string, person: string) {
  return fetch(`${service.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${person}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question, session_id: person }),
  });
}

it('answers every one of 200 people asking at once, once each, or tells them when to retry', async () => {
  const rssBefore = process.memoryUsage().rss;
  // 180 people ask one question each; 20 impatient ones send five at once.
  const calm = Array.from({ length: 180 }, (_, i) => ask(`where do I get badge ${i}?`, `calm-${i}`));
  const impatient = Array.from({ length: 20 }, (_, i) =>
    Array.from({ length: 5 }, (_, j) => ask(`where is badge desk ${i}-${j}?`, `impatient-${i}`)),
  );
  const calmReplies = await Promise.all(calm);
  const impatientReplies = await Promise.all(impatient.map((group) => Promise.all(group)));

  for (const reply of calmReplies) {
    expect(reply.status).toBe(200);
    expect((await reply.json()).answer).toBe('Badges are issued at the front desk [1].');
  }
  let refused = 0;
  for (const group of impatientReplies) {
    // One in flight and two waiting (RATE_LIMIT_QUEUE=2) are answered; the rest hear when to retry.
    const statuses = group.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    for (const reply of group.filter((r) => r.status === 429)) {
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await reply.json()).error).toBe('throttled');
      refused++;
    }
    await Promise.all(group.filter((r) => r.status === 200).map((r) => r.json()));
  }
  // Nothing was answered twice: one classification and one answer per admitted question.
  const admitted = 180 + 20 * 3;
  expect(refused).toBe(40);
  expect(requestsFor(openai, 'gpt-4o-mini', 'classification')).toHaveLength(admitted);
  expect(requestsFor(openai, 'gpt-4o-mini', 'grounded_answer')).toHaveLength(admitted);
  // The burst leaves memory bounded: queued work is small, and nothing is kept per request.
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
}, 60_000);
