import type { Tracer } from '@opentelemetry/api';
import type { ModelPrice } from '../../src/config.js';
import { NOT_IN_DOCUMENTS } from '../../src/core/ask.js';
import type { TokenBudget } from '../../src/core/daily-token-budget.js';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import type {
  AnswerOutput,
  LanguageModel,
  ModelReply,
  ModelTiers,
  TokenUsage,
} from '../../src/core/ports/language-model.js';
import type { Passage } from '../../src/core/types.js';
import { type AnswerTextRelay, whenCovered, whenCoveredAndSure } from './answer-stream.js';
import { EXTRACTIVE } from './cache-key.js';
import type { CacheStepDeps } from './cache-step.js';
import { expired, untilDeadline } from './deadline.js';
import { quotedAnswer } from './extractive-answerer.js';
import { costOf } from './pricing.js';
import { ANSWER_SYSTEM, answerPrompt } from './prompts.js';
import { MODEL_DOWN_NOTE, MODEL_LATE_NOTE } from './replies.js';
import { type AnswerStateType, type AnswerUpdate, addUsage, type Usage } from './state.js';

export interface AnswerGraphDeps extends CacheStepDeps {
  knowledgeBase: KnowledgeBase;
  models: ModelTiers;
  /** Asked before every model call and told what each call used. */
  budget: TokenBudget;
  prices: Record<string, ModelPrice>;
  historyTurns: number;
  onModelError?: (model: string, error: unknown) => void;
  /** Each node runs in a span of this tracer, within the answer's. */
  tracer?: Tracer;
}

export const usageOf = (deps: AnswerGraphDeps, model: string, usage: TokenUsage): Usage => ({
  ...usage,
  costUsd: costOf(model, usage, deps.prices),
});

export const withinBudget = (deps: AnswerGraphDeps, state: AnswerStateType) =>
  deps.budget.allows(state.audience.tenantId);
export const charge = (deps: AnswerGraphDeps, state: AnswerStateType, usage: TokenUsage) =>
  deps.budget.spend(state.audience.tenantId, usage.input + usage.output);

/**
 * One answering call; with a relay, the answer's text streams to the asker as `showWhen` allows,
 * and is withdrawn if the call fails.
 */
export async function callModel(
  deps: AnswerGraphDeps,
  model: LanguageModel,
  state: AnswerStateType,
  relay?: AnswerTextRelay,
) {
  const showWhen = model === deps.models.cheap && deps.models.strong ? whenCoveredAndSure : whenCovered;
  try {
    const reply: ModelReply<AnswerOutput> = await model.answer(
      ANSWER_SYSTEM,
      answerPrompt(state.standalone, state.passages),
      { ...untilDeadline(state), ...(relay ? { onPartial: relay.forCall(showWhen) } : {}) },
    );
    await charge(deps, state, reply.usage);
    return { ok: true as const, reply };
  } catch (error) {
    relay?.withdraw();
    deps.onModelError?.(model.name, error);
    return { ok: false as const };
  }
}

/** The answer as the graph keeps it; citations outside the passage list make it unsupported. */
export function fromModel(
  deps: AnswerGraphDeps,
  model: LanguageModel,
  reply: ModelReply<AnswerOutput>,
  passages: Passage[],
  spent: Usage,
): AnswerUpdate {
  const valid = reply.value.cited.filter((n) => n >= 1 && n <= passages.length);
  const inText = [...reply.value.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const cited = [...new Set([...valid, ...inText.filter((n) => n >= 1 && n <= passages.length)])].sort(
    (a, b) => a - b,
  );
  return {
    answer: reply.value.answer,
    cited,
    covered: reply.value.covered,
    confidence: reply.value.confidence,
    model: model.name,
    usage: addUsage(spent, usageOf(deps, model.name, reply.usage)),
  };
}

export function extractive(state: AnswerStateType, note = ''): AnswerUpdate {
  const focus = state.standalone !== state.question ? state.question : undefined;
  const result = quotedAnswer(state.standalone, state.passages, focus);
  return result
    ? {
        answer: result.answer,
        cited: result.cited,
        passages: result.passages,
        covered: true,
        confidence: 'medium',
        model: EXTRACTIVE,
        note,
      }
    : { answer: NOT_IN_DOCUMENTS, cited: [], covered: false, confidence: 'high', model: EXTRACTIVE, note };
}

/** Quoted passages in place of a model's answer, saying why: the deadline passed, or the models failed. */
export const quoted = (state: AnswerStateType): AnswerUpdate => ({
  ...extractive(state, expired(state) ? MODEL_LATE_NOTE : MODEL_DOWN_NOTE),
  route: 'fallback',
});
