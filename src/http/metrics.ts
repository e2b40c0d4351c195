import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { MessageObserver } from '../core/handle-message.js';

/** Prometheus metrics: HTTP, questions by route/model/platform, cache, escalations, tokens, cost, ingestion, throttling. */
export function createMetrics() {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_seconds, heap and GC figures.
  collectDefaultMetrics({ register: registry, prefix: 'docent_' });
  const httpDuration = new Histogram({
    name: 'docent_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const observer = countingObserver(messageCounters(registry));
  return { registry, httpDuration, observer };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The counters every message moves, registered on `registry`. */
function messageCounters(registry: Registry) {
  const questions = new Counter({
    name: 'docent_questions_total',
    help: 'Questions answered',
    labelNames: ['platform', 'route', 'model'],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'docent_answer_cache_total',
    help: 'Answer cache lookups',
    labelNames: ['result'],
    registers: [registry],
  });
  const escalations = new Counter({
    name: 'docent_escalations_total',
    help: 'Cheap answers sent to the strong model',
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'docent_tokens_total',
    help: 'Model tokens',
    labelNames: ['direction'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'docent_cost_usd_total',
    help: 'Model spend in USD',
    registers: [registry],
  });
  const ingestion = new Counter({
    name: 'docent_ingestion_jobs_total',
    help: 'Shared files processed',
    labelNames: ['status'],
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'docent_throttled_total',
    help: 'Questions refused by per-user limits',
    labelNames: ['platform'],
    registers: [registry],
  });
  return { questions, cacheLookups, escalations, tokens, cost, ingestion, throttled };
}

function countingObserver(counters: ReturnType<typeof messageCounters>): MessageObserver {
  const { questions, cacheLookups, escalations, tokens, cost, ingestion, throttled } = counters;
  return {
    answered(message, result) {
      questions.inc({ platform: message.platform, route: result.route, model: result.model });
      // A curated answer is found before the cache is read.
      if (!['smalltalk', 'out_of_scope', 'curated'].includes(result.route))
        cacheLookups.inc({ result: result.cached ? 'hit' : 'miss' });
      if (result.route === 'escalated') escalations.inc();
      if (result.tokens.input > 0) tokens.inc({ direction: 'input' }, result.tokens.input);
      if (result.tokens.output > 0) tokens.inc({ direction: 'output' }, result.tokens.output);
      if (result.cost_usd > 0) cost.inc(result.cost_usd);
    },
    ingested(_message, files) {
      for (const f of files) ingestion.inc({ status: f.status });
    },
    throttled(message) {
      throttled.inc({ platform: message.platform });
    },
  };
}
