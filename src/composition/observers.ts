import { NOT_IN_DOCUMENTS } from '../core/ask.js';
import { type MessageObserver, scopeForShare } from '../core/handle-message.js';
import type { HistoryStore } from '../core/ports/history-store.js';

// What the composition root attaches to every message: the history, and any observer a caller adds.

/** Records every answer for the admin's usage, cost and coverage figures. */
export function historyObserver(history: HistoryStore): MessageObserver {
  return {
    answered(message, result) {
      history.recordAnswer({
        answerId: result.id,
        atMs: Date.now(),
        tenantId: message.tenantId,
        platform: message.platform,
        scope: scopeForShare(message),
        askerId: message.userId,
        question: message.text,
        answer: result.answer,
        route: result.route,
        model: result.model,
        cached: result.cached,
        tokens: result.tokens,
        costUsd: result.cost_usd,
        latencyMs: result.latency_ms,
        covered: result.route !== 'no_passages' && result.answer !== NOT_IN_DOCUMENTS,
        sources: result.sources.map((s) => ({ docId: s.doc_id, title: s.title, source: s.source })),
        traceId: result.trace_id,
      });
    },
  };
}

export function everyObserver(observers: MessageObserver[]): MessageObserver {
  return {
    answered: (m, r) => {
      for (const o of observers) o.answered?.(m, r);
    },
    ingested: (m, f) => {
      for (const o of observers) o.ingested?.(m, f);
    },
    throttled: (m, ms) => {
      for (const o of observers) o.throttled?.(m, ms);
    },
  };
}
