import { randomUUID } from 'node:crypto';
import type { Answerer, AnswerRequest, AnswerResult } from '../../src/core/ask.js';
import { toSources } from '../../src/core/ask.js';
import { audienceFor } from '../../src/core/scope.js';
import type { AnswerGraph } from './graph.js';

export const APOLOGY = 'Sorry, something went wrong while answering. Please try again in a moment.';

export interface AnsweredRecord {
  result: AnswerResult;
  question: string;
  tenantId: string;
}

/** Runs one question through the answer graph on its thread; a user always gets a reply. */
export class GraphAnswerer implements Answerer {
  constructor(
    private readonly graph: AnswerGraph,
    private readonly hooks: {
      onAnswered?: (record: AnsweredRecord) => void;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  async answer(request: AnswerRequest): Promise<AnswerResult> {
    const started = performance.now();
    const audience = audienceFor(request.context);
    let result: AnswerResult;
    try {
      const state = await this.graph.invoke(
        // Every per-turn field is reset here; only `history` carries over from the thread.
        {
          question: request.question,
          audience,
          intent: 'question',
          complexity: 'simple',
          standalone: '',
          cacheKey: '',
          quickKey: '',
          passages: [],
          answer: '',
          cited: [],
          confidence: 'high',
          covered: true,
          route: 'cheap',
          model: '',
          cached: false,
          note: '',
          usage: { input: 0, output: 0, costUsd: 0 },
        },
        { configurable: { thread_id: request.threadId ?? `once:${randomUUID()}` }, durability: 'exit' },
      );
      const showSources = state.covered && state.route !== 'smalltalk' && state.route !== 'out_of_scope';
      result = {
        id: randomUUID(),
        answer: state.answer,
        sources: showSources ? toSources(state.passages) : [],
        route: state.route,
        model: state.model,
        cached: state.cached,
        latency_ms: Math.round(performance.now() - started),
        tokens: { input: state.usage.input, output: state.usage.output },
        cost_usd: Number(state.usage.costUsd.toFixed(6)),
        ...(state.note ? { note: state.note } : {}),
      };
    } catch (error) {
      this.hooks.onError?.(error);
      result = {
        id: randomUUID(),
        answer: APOLOGY,
        sources: [],
        route: 'error',
        model: 'none',
        cached: false,
        latency_ms: Math.round(performance.now() - started),
        tokens: { input: 0, output: 0 },
        cost_usd: 0,
      };
    }
    this.hooks.onAnswered?.({ result, question: request.question, tenantId: audience.tenantId });
    return result;
  }
}
