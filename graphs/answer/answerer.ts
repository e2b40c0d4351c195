import { randomUUID } from 'node:crypto';
import type { Answerer, AnswerRequest, AnswerResult } from '../../src/core/ask.js';
import { toSources } from '../../src/core/ask.js';
import { audienceFor } from '../../src/core/scope.js';
import type { ModelTiers } from '../../src/llm/chat-models.js';
import type { AnswerCache } from '../../src/stores/answer-cache.js';
import { answerCacheKey, modelsLabel } from './cache-key.js';
import type { AnswerGraphRunner } from './graph.js';

type CacheLookup = { found: AnswerResult } | { missedKey: string };

export const APOLOGY = 'Sorry, something went wrong while answering. Please try again in a moment.';

export interface AnsweredRecord {
  result: AnswerResult;
  question: string;
  tenantId: string;
}

/** What answering from the cache before the graph needs: the cache, and which models answer. */
export interface CacheFirst {
  cache: AnswerCache;
  models: ModelTiers;
}

/**
 * Runs one question through the answer graph on its thread; a user always gets a reply. A
 * question that opens a thread has no history to rewrite it with, so a cached answer to it is
 * served without running the graph (whose fixed cost is milliseconds of CPU); the turn is handed
 * to the thread's memory with its next question.
 */
export class GraphAnswerer implements Answerer {
  private readonly answeredBy: string;

  constructor(
    private readonly graph: AnswerGraphRunner,
    private readonly cacheFirst: CacheFirst,
    private readonly hooks: {
      /** How long a question's model calls may take in all (see ANSWER_DEADLINE_MS); unbounded if absent. */
      deadlineMs?: number;
      onAnswered?: (record: AnsweredRecord) => void;
      onError?: (error: unknown) => void;
    } = {},
  ) {
    this.answeredBy = modelsLabel(cacheFirst.models);
  }

  answer(request: AnswerRequest): Promise<AnswerResult> {
    // Only an opening question may be answered from the cache as it is; a follow-up needs its history.
    if (request.cached && opensThread(request))
      return this.serveCached(request, request.cached, performance.now());
    return this.lookUpAndAnswer(request);
  }

  private async lookUpAndAnswer(request: AnswerRequest): Promise<AnswerResult> {
    const started = performance.now();
    // Wall-clock time, as the graph may run on another thread; it counts from the question's arrival.
    const deadline = this.hooks.deadlineMs ? Date.now() + this.hooks.deadlineMs : 0;
    const lookup = await this.lookUp(request);
    if (lookup && 'found' in lookup) return this.serveCached(request, lookup.found, started);
    return this.viaGraph(request, { missedKey: lookup?.missedKey ?? '', deadline }, started);
  }

  async lookUpCached(request: AnswerRequest): Promise<AnswerResult | undefined> {
    const lookup = await this.lookUp(request);
    return lookup && 'found' in lookup ? lookup.found : undefined;
  }

  /** An opening question's cached answer, or the key it missed under (the graph need not look again). */
  private async lookUp(request: AnswerRequest): Promise<CacheLookup | undefined> {
    if (!opensThread(request)) return undefined;
    const { cache } = this.cacheFirst;
    const key = await answerCacheKey(cache, audienceFor(request.context), this.answeredBy, request.question);
    const hit = await cache.get(key);
    if (!hit) return { missedKey: key };
    return {
      // Entries are stored ready to serve (see ENTRY_FORMAT in cache-key.ts).
      found: {
        id: randomUUID(),
        answer: hit.answer,
        sources: hit.sources,
        route: 'cached',
        model: hit.model,
        cached: true,
        latency_ms: 0,
        tokens: { input: 0, output: 0 },
        cost_usd: 0,
      },
    };
  }

  /** A cached answer becomes the thread's first turn, for its next question to build on. */
  private async serveCached(request: AnswerRequest, found: AnswerResult, started: number) {
    if (request.threadId)
      await this.cacheFirst.cache.rememberOpeningTurn(request.threadId, {
        question: request.question,
        standalone: request.question,
        answer: found.answer,
      });
    const result = { ...found, latency_ms: Math.round(performance.now() - started) };
    this.hooks.onAnswered?.({ result, question: request.question, tenantId: request.context.tenantId });
    return result;
  }

  private async viaGraph(
    request: AnswerRequest,
    turn: {
      /** The opening question's key, already looked up and missed: the graph need not look again. */
      missedKey: string;
      /** When the question's model calls must end (epoch ms; 0: never). */
      deadline: number;
    },
    started: number,
  ): Promise<AnswerResult> {
    const audience = audienceFor(request.context);
    let result: AnswerResult;
    try {
      // A thread opened from the cache hands its first turn over now.
      const opening =
        request.threadId && !opensThread(request)
          ? await this.cacheFirst.cache.takeOpeningTurn(request.threadId)
          : undefined;
      const state = await this.graph.invoke(
        // Every per-turn field is reset here; only `history` carries over from the thread.
        {
          ...(opening ? { history: [opening] } : {}),
          question: request.question,
          audience,
          intent: 'question',
          complexity: 'simple',
          standalone: '',
          cacheKey: '',
          quickKey: turn.missedKey,
          deadline: turn.deadline,
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

/** A question with no history yet: its cached answer needs no rewriting with the thread's turns. */
const opensThread = (request: AnswerRequest) =>
  request.threadId === undefined || request.opensThread === true;
