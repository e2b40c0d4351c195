import { randomUUID } from 'node:crypto';
import { isSpanContextValid, type Span, type Tracer } from '@opentelemetry/api';
import type { Answerer, AnswerRequest, AnswerResult } from '../../src/core/ask.js';
import { toSources } from '../../src/core/ask.js';
import { audienceFor } from '../../src/core/scope.js';
import type { Audience } from '../../src/core/types.js';
import { type AnswerRunContext, AnswerTextRelay } from './answer-stream.js';
import { type CacheStepDeps, cacheLookup, fromCache, type Lookup } from './cache-step.js';
import { fromCurated } from './curated-step.js';
import type { AnswerGraph } from './graph.js';
import { ANSWER_SPAN, inSpan, tracerOr } from './spans.js';
import { type AnswerStateType, freshTurn } from './state.js';

export const APOLOGY = 'Sorry, something went wrong while answering. Please try again in a moment.';

export interface GraphAnswererDeps extends CacheStepDeps {
  graph: AnswerGraph;
  /** How long a question's model calls may take in all (see ANSWER_DEADLINE_MS); unbounded if absent. */
  deadlineMs?: number;
  onError?: (error: unknown) => void;
  /** Each answer is one trace: this span and the steps within it. */
  tracer?: Tracer;
}

const startAtOnce = <T>(_needsModels: boolean, answer: () => Promise<T>) => answer();

/**
 * Runs one question through the answer graph on its thread; a user always gets a reply. A
 * question that opens a thread has no history to rewrite it with, so it is looked up in the cache
 * before anything waits for the models; a hit becomes the thread's first turn like any other.
 */
export class GraphAnswerer implements Answerer {
  private readonly lookUp: (audience: Audience, question: string) => Promise<Lookup>;
  private readonly tracer: Tracer;

  constructor(private readonly deps: GraphAnswererDeps) {
    this.lookUp = cacheLookup(deps);
    this.tracer = tracerOr(deps.tracer);
  }

  answer(request: AnswerRequest): Promise<AnswerResult> {
    const audience = audienceFor(request.context);
    const attributes = {
      'docent.tenant_id': audience.tenantId,
      'docent.question.chars': request.question.length,
    };
    return inSpan(this.tracer, ANSWER_SPAN, attributes, async (span) =>
      withTrace(span, await this.answerFor(request, audience)),
    );
  }

  private async answerFor(request: AnswerRequest, audience: Audience): Promise<AnswerResult> {
    const start = request.start ?? startAtOnce;
    // A question read with its thread's messages ("can you answer this?") does not stand alone.
    const opening =
      (request.threadId === undefined || request.opensThread === true) && !request.thread?.length;
    const found = await this.firstLookup(audience, request.question, opening);
    const ready = found?.curated ? fromCurated(found.curated) : found?.hit && fromCache(found.hit);
    if (ready) return start(false, () => this.serveReady(request, audience, ready));
    // The graph looks the question up again: by its turn, the same question asked just before may be cached.
    return start(true, () => this.viaGraph(request, audience));
  }

  /** A question that opens its thread is looked up as asked; a follow-up is classified first. */
  private firstLookup(audience: Audience, question: string, opening: boolean) {
    return inSpan(this.tracer, 'cache', {}, async (span) => {
      if (!opening) {
        span.setAttributes({
          'docent.cache.decision': 'skipped',
          'docent.cache.reason': 'a follow-up is rewritten to stand alone before its lookup',
        });
        return undefined;
      }
      const found = await this.lookUp(audience, question);
      span.setAttributes({
        'docent.cache.decision': found.curated ? 'curated' : found.hit ? 'hit' : 'miss',
        'docent.cache.reason': found.curated
          ? "an admin's curated answer matches the question"
          : 'looked up by the question as asked, before any model call',
      });
      return found;
    });
  }

  /** A curated or cached answer, served as stored; the thread's memory takes the turn, so a follow-up builds on it. */
  private async serveReady(
    request: AnswerRequest,
    audience: Audience,
    ready: ReturnType<typeof fromCache> | ReturnType<typeof fromCurated>,
  ): Promise<AnswerResult> {
    const started = performance.now();
    const state = { ...freshTurn(), ...ready, question: request.question, audience };
    const { threadId } = request;
    if (threadId) {
      const turn = { question: request.question, standalone: request.question, answer: state.answer };
      await this.deps.graph
        .updateState({ configurable: { thread_id: threadId } }, { history: [turn] }, 'remember')
        .catch((error: unknown) => this.deps.onError?.(error));
    }
    return resultOf(state, started);
  }

  private async viaGraph(request: AnswerRequest, audience: Audience): Promise<AnswerResult> {
    const started = performance.now();
    const relay = request.stream && new AnswerTextRelay(request.stream);
    const result = await this.runGraph(request, audience, started, relay);
    relay?.finish(result.answer);
    return result;
  }

  private async runGraph(
    request: AnswerRequest,
    audience: Audience,
    started: number,
    relay: AnswerTextRelay | undefined,
  ): Promise<AnswerResult> {
    try {
      const state = await this.deps.graph.invoke(
        {
          ...freshTurn(),
          question: request.question,
          audience,
          thread: request.thread ?? [],
          // Counted from when answering starts, after any wait for the asker's limits.
          deadline: this.deps.deadlineMs ? Date.now() + this.deps.deadlineMs : 0,
        },
        {
          configurable: { thread_id: request.threadId ?? `once:${randomUUID()}` },
          durability: 'exit',
          // Per answer, beside the state: never stored with the thread.
          context: { relay, onStep: request.onStep } satisfies AnswerRunContext,
        },
      );
      return resultOf(state, started);
    } catch (error) {
      this.deps.onError?.(error);
      return {
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
  }
}

/** The answer's figures on its span, and the trace's id in the answer (when a tracer records it). */
function withTrace(span: Span, result: AnswerResult): AnswerResult {
  span.setAttributes({
    'docent.answer_id': result.id,
    'docent.route': result.route,
    'docent.model': result.model,
    'docent.cached': result.cached,
    'docent.tokens.input': result.tokens.input,
    'docent.tokens.output': result.tokens.output,
    'docent.cost_usd': result.cost_usd,
  });
  const context = span.spanContext();
  return isSpanContextValid(context) ? { ...result, trace_id: context.traceId } : result;
}

function resultOf(state: Omit<AnswerStateType, 'history'>, started: number): AnswerResult {
  const showSources = state.covered && state.route !== 'smalltalk' && state.route !== 'out_of_scope';
  return {
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
}
