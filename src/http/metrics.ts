import { Counter, type CounterConfiguration, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
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
  const countQuestion = talliedCounter({
    name: 'docent_questions_total',
    help: 'Questions answered',
    labelNames: ['platform', 'route', 'model'],
    registers: [registry],
  });
  const countCacheLookup = talliedCounter({
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

  const observer: MessageObserver = {
    answered(message, result) {
      countQuestion(message.platform, result.route, result.model);
      if (result.route !== 'smalltalk' && result.route !== 'out_of_scope')
        countCacheLookup(result.cached ? 'hit' : 'miss');
      if (result.route === 'escalated') escalations.inc();
      // A cached answer spends nothing; skipping its zero increments keeps the hit path short.
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
  return { registry, httpDuration, observer };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** One combination of label values and the count it has gained since the last scrape. */
interface Tally {
  labels: Record<string, string>;
  count: number;
}

/**
 * A counter of up to three labels for something every answer counts. Counts gather in plain maps
 * and reach prom-client when it is scraped (its `collect`), because a labelled `inc` joins and
 * hashes its labels on every call. The combinations are few (platforms, routes, models), so the
 * maps stay small.
 */
function talliedCounter(config: CounterConfiguration<string> & { labelNames: readonly string[] }) {
  const tallies: Tally[] = [];
  const byValues = new Map<string, Map<string, Map<string, Tally>>>();
  new Counter({
    ...config,
    collect() {
      for (const tally of tallies) {
        if (tally.count === 0) continue;
        this.inc(tally.labels, tally.count);
        tally.count = 0;
      }
    },
  });
  return function count(a: string, b = '', c = ''): void {
    let second = byValues.get(a);
    if (!second) {
      second = new Map();
      byValues.set(a, second);
    }
    let third = second.get(b);
    if (!third) {
      third = new Map();
      second.set(b, third);
    }
    let tally = third.get(c);
    if (!tally) {
      const values = [a, b, c];
      tally = {
        labels: Object.fromEntries(config.labelNames.map((name, i) => [name, values[i] ?? ''])),
        count: 0,
      };
      third.set(c, tally);
      tallies.push(tally);
    }
    tally.count++;
  };
}
