import type { ModelPrice } from '../../src/config.js';
import { NOT_IN_DOCUMENTS, toSources } from '../../src/core/ask.js';
import type { TokenBudget } from '../../src/core/daily-token-budget.js';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import type { CachedAnswer } from '../../src/core/ports/answer-cache.js';
import type {
  AnswerOutput,
  LanguageModel,
  ModelReply,
  ModelTiers,
  TokenUsage,
} from '../../src/core/ports/language-model.js';
import type { Passage } from '../../src/core/types.js';
import { EXTRACTIVE } from './cache-key.js';
import { type CacheStepDeps, cacheLookup, fromCache } from './cache-step.js';
import { beforeDeadline, expired, LATE, untilDeadline } from './deadline.js';
import { needsEscalation } from './escalation.js';
import { quotedAnswer } from './extractive-answerer.js';
import { classifyOffline, SMALLTALK_REPLY } from './offline-classifier.js';
import { costOf } from './pricing.js';
import { ANSWER_SYSTEM, answerPrompt, CLASSIFY_SYSTEM, classifyPrompt } from './prompts.js';
import {
  BUDGET_SPENT_NOTE,
  EMPTY_KNOWLEDGE_BASE_NOTE,
  MODEL_DOWN_NOTE,
  MODEL_LATE_NOTE,
  OUT_OF_SCOPE_REPLY,
  SEARCH_LATE_REPLY,
} from './replies.js';
import { passagesFor } from './retrieval.js';
import { stripMentions } from './sanitize.js';
import { type AnswerStateType, type AnswerUpdate, addUsage, type Usage } from './state.js';

export interface AnswerGraphDeps extends CacheStepDeps {
  knowledgeBase: KnowledgeBase;
  models: ModelTiers;
  /** Asked before every model call and told what each call used. */
  budget: TokenBudget;
  prices: Record<string, ModelPrice>;
  historyTurns: number;
  onModelError?: (model: string, error: unknown) => void;
}

// A search normally takes milliseconds; this much is left for it even past the deadline.
const SEARCH_GRACE_MS = 2000;

export function createAnswerNodes(deps: AnswerGraphDeps) {
  const { models } = deps;
  const usageOf = (model: string, usage: TokenUsage): Usage => ({
    ...usage,
    costUsd: costOf(model, usage, deps.prices),
  });

  const withinBudget = (state: AnswerStateType) => deps.budget.allows(state.audience.tenantId);
  const charge = (state: AnswerStateType, usage: TokenUsage) =>
    deps.budget.spend(state.audience.tenantId, usage.input + usage.output);

  async function callModel(model: LanguageModel, state: AnswerStateType) {
    try {
      const reply: ModelReply<AnswerOutput> = await model.answer(
        ANSWER_SYSTEM,
        answerPrompt(state.standalone, state.passages),
        untilDeadline(state),
      );
      await charge(state, reply.usage);
      return { ok: true as const, reply };
    } catch (error) {
      deps.onModelError?.(model.name, error);
      return { ok: false as const };
    }
  }

  /** The answer as the graph keeps it; citations outside the passage list make it unsupported. */
  function fromModel(
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
      usage: addUsage(spent, usageOf(model.name, reply.usage)),
    };
  }

  const lookUp = cacheLookup(deps);

  function extractive(state: AnswerStateType, note = ''): AnswerUpdate {
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
  const quoted = (state: AnswerStateType): AnswerUpdate => ({
    ...extractive(state, expired(state) ? MODEL_LATE_NOTE : MODEL_DOWN_NOTE),
    route: 'fallback',
  });

  return {
    async classify(state: AnswerStateType): Promise<AnswerUpdate> {
      const history = state.history.slice(-deps.historyTurns);
      // Classifying spends tokens on every question, so past the budget the offline rules decide.
      if (models.cheap && !expired(state) && (await withinBudget(state))) {
        try {
          const { value, usage } = await models.cheap.classify(
            CLASSIFY_SYSTEM,
            classifyPrompt(state.question, history),
            untilDeadline(state),
          );
          await charge(state, usage);
          return {
            ...value,
            standalone: value.standalone.trim() || state.question,
            usage: addUsage(state.usage, usageOf(models.cheap.name, usage)),
          };
        } catch (error) {
          deps.onModelError?.(models.cheap.name, error);
        }
      }
      return classifyOffline(
        state.question,
        history.map((t) => t.standalone),
      );
    },

    smalltalk: async (): Promise<AnswerUpdate> => ({
      answer: SMALLTALK_REPLY,
      route: 'smalltalk',
      model: 'none',
    }),

    outOfScope: async (): Promise<AnswerUpdate> => ({
      answer: OUT_OF_SCOPE_REPLY,
      route: 'out_of_scope',
      model: 'none',
    }),

    /**
     * The question as it stands: its own words before classification (a thread's first question
     * stands alone, so a hit costs no model call at all), the standalone rewrite after it.
     */
    async cache(state: AnswerStateType): Promise<AnswerUpdate> {
      const question = state.standalone || state.question;
      const { key, versions, hit } = await lookUp(state.audience, question, state.missedKeys);
      if (hit) return { ...fromCache(hit), standalone: question, versions };
      const missedKeys = state.missedKeys.includes(key) ? state.missedKeys : [...state.missedKeys, key];
      return { versions, missedKeys };
    },

    async retrieve(state: AnswerStateType): Promise<AnswerUpdate> {
      const search = passagesFor(deps.knowledgeBase, state, !models.cheap);
      const passages = await beforeDeadline(state, search, SEARCH_GRACE_MS);
      if (passages === LATE)
        return { passages: [], answer: SEARCH_LATE_REPLY, covered: true, route: 'fallback', model: 'none' };
      if (passages.length > 0) return { passages };
      const noDocuments = (await deps.knowledgeBase.listDocuments(state.audience.tenantId)).length === 0;
      return {
        passages,
        answer: NOT_IN_DOCUMENTS,
        covered: false,
        route: 'no_passages',
        model: 'none',
        ...(noDocuments ? { note: EMPTY_KNOWLEDGE_BASE_NOTE } : {}),
      };
    },

    async answer(state: AnswerStateType): Promise<AnswerUpdate> {
      const { passages } = state;
      if (!models.cheap && !models.strong) return { ...extractive(state), route: 'extractive' };
      if (expired(state)) return quoted(state);
      if (!(await withinBudget(state)))
        return { ...extractive(state, BUDGET_SPENT_NOTE), route: 'over_budget' };
      const preferStrong = state.complexity === 'complex' && models.strong;
      const order = (preferStrong ? [models.strong, models.cheap] : [models.cheap, models.strong]).filter(
        (m): m is LanguageModel => m !== undefined,
      );
      // Strong first for complex questions, falling back to cheap; cheap first otherwise (escalation decides later).
      const first = order[0] as LanguageModel;
      const attempt = await callModel(first, state);
      if (attempt.ok)
        return {
          ...fromModel(first, attempt.reply, passages, state.usage),
          route: first === models.strong ? 'strong' : 'cheap',
        };
      const second = order[1];
      if (second && second !== first && !expired(state)) {
        const retry = await callModel(second, state);
        if (retry.ok)
          return {
            ...fromModel(second, retry.reply, passages, state.usage),
            route: second === models.strong ? 'strong' : 'cheap',
          };
      }
      return quoted(state);
    },

    async escalate(state: AnswerStateType): Promise<AnswerUpdate> {
      const usable = state.covered && state.cited.length > 0;
      // Past the deadline or the budget, as when the strong model fails, a usable cheap answer stands.
      if (expired(state)) return usable ? {} : quoted(state);
      if (!(await withinBudget(state)))
        return usable ? {} : { ...extractive(state, BUDGET_SPENT_NOTE), route: 'over_budget' };
      const strong = models.strong as LanguageModel;
      const attempt = await callModel(strong, state);
      if (attempt.ok)
        return { ...fromModel(strong, attempt.reply, state.passages, state.usage), route: 'escalated' };
      // The cheap answer stands when it is usable; otherwise quote the passages.
      return usable ? {} : quoted(state);
    },

    async cacheWrite(state: AnswerStateType): Promise<AnswerUpdate> {
      // Quoted stand-ins (model down, budget spent) must not be served as the model's answer later.
      const grounded =
        state.covered &&
        state.cited.length > 0 &&
        !['fallback', 'over_budget', 'cached'].includes(state.route);
      if (grounded) {
        // Stored as it will be served, so a hit costs no clean-up: no mentions, scores rounded.
        const entry: CachedAnswer = {
          answer: stripMentions(state.answer),
          model: state.model,
          route: state.route,
          sources: toSources(state.passages),
        };
        await Promise.all(state.missedKeys.map((key) => deps.cache.set(key, entry)));
      }
      return {};
    },

    async remember(state: AnswerStateType): Promise<AnswerUpdate> {
      const answer = stripMentions(state.covered ? state.answer : NOT_IN_DOCUMENTS);
      // Only real questions give later follow-ups their topic; a "thanks" in between must not.
      const standalone = state.intent === 'question' ? state.standalone || state.question : '';
      return { answer, history: [{ question: state.question, standalone, answer }] };
    },

    // Routers: each returns the name of the next node.
    /** A thread's first question stands alone: it is looked up as it is, before classification. */
    atStart: (state: AnswerStateType) =>
      state.history.length === 0 ? ('cache' as const) : ('classify' as const),
    afterClassify: (state: AnswerStateType) =>
      state.intent === 'smalltalk'
        ? ('smalltalk' as const)
        : state.intent === 'out_of_scope'
          ? ('outOfScope' as const)
          : ('cache' as const),
    afterCache: (state: AnswerStateType) =>
      state.cached ? ('remember' as const) : state.standalone ? ('retrieve' as const) : ('classify' as const),
    afterRetrieve: (state: AnswerStateType) =>
      state.passages.length > 0 ? ('generate' as const) : ('remember' as const),
    afterAnswer: (state: AnswerStateType) =>
      needsEscalation(state, models) ? ('escalate' as const) : ('cacheWrite' as const),
  };
}
