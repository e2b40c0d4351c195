import { NOT_IN_DOCUMENTS, toSources } from '../../src/core/ask.js';
import type { CachedAnswer } from '../../src/core/ports/answer-cache.js';
import type { LanguageModel, ModelTiers } from '../../src/core/ports/language-model.js';
import { type AnswerTextRelay, relayOf, tellStep } from './answer-stream.js';
import { cacheLookup, fromCache } from './cache-step.js';
import { fromCurated } from './curated-step.js';
import { beforeDeadline, expired, LATE, untilDeadline } from './deadline.js';
import { needsEscalation } from './escalation.js';
import {
  type AnswerGraphDeps,
  callModel,
  charge,
  extractive,
  fromModel,
  quoted,
  usageOf,
  withinBudget,
} from './model-calls.js';
import { classifyOffline, SMALLTALK_REPLY } from './offline-classifier.js';
import { CLASSIFY_SYSTEM, classifyPrompt } from './prompts.js';
import {
  BUDGET_SPENT_NOTE,
  EMPTY_KNOWLEDGE_BASE_NOTE,
  OUT_OF_SCOPE_REPLY,
  SEARCH_LATE_REPLY,
} from './replies.js';
import { passagesFor } from './retrieval.js';
import { stripMentions } from './sanitize.js';
import { type AnswerStateType, type AnswerUpdate, addUsage } from './state.js';
import { threadKey, threadQuestion } from './thread-question.js';

/** How LangGraph calls a node: the state, and the run's config with its context. */
type RunConfig = { context?: unknown };

// A search normally takes milliseconds; this much is left for it even past the deadline.
const SEARCH_GRACE_MS = 2000;

/** The graph's nodes and routers, each node a function of the deps and the state below. */
export function createAnswerNodes(deps: AnswerGraphDeps) {
  const lookUp = cacheLookup(deps);
  return {
    classify: (state: AnswerStateType) => classify(deps, state),
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
    cache: (state: AnswerStateType) => cache(lookUp, state),
    retrieve: (state: AnswerStateType, config?: RunConfig) => {
      tellStep(config, 'searching');
      return retrieve(deps, state);
    },
    answer: (state: AnswerStateType, config?: RunConfig) => answer(deps, state, relayOf(config)),
    escalate: (state: AnswerStateType, config?: RunConfig) =>
      escalate(deps, state, relayOf(config), () => tellStep(config, 'escalating')),
    cacheWrite: (state: AnswerStateType) => cacheWrite(deps, state),
    remember,
    ...routers(deps.models),
  };
}

/** Each returns the name of the next node. */
function routers(models: ModelTiers) {
  return {
    /**
     * A thread's first question stands alone: it is looked up as it is, before classification;
     * unless it was asked in a people's thread, whose messages may say what it asks.
     */
    atStart: (state: AnswerStateType) =>
      state.history.length === 0 && state.thread.length === 0 ? ('cache' as const) : ('classify' as const),
    afterClassify: (state: AnswerStateType) =>
      state.intent === 'smalltalk'
        ? ('smalltalk' as const)
        : state.intent === 'out_of_scope'
          ? ('outOfScope' as const)
          : ('cache' as const),
    afterCache: (state: AnswerStateType) =>
      state.cached || state.route === 'curated'
        ? ('remember' as const)
        : state.standalone
          ? ('retrieve' as const)
          : ('classify' as const),
    afterRetrieve: (state: AnswerStateType) =>
      state.passages.length > 0 ? ('generate' as const) : ('remember' as const),
    afterAnswer: (state: AnswerStateType) =>
      needsEscalation(state, models) ? ('escalate' as const) : ('cacheWrite' as const),
  };
}

async function classify(deps: AnswerGraphDeps, state: AnswerStateType): Promise<AnswerUpdate> {
  const { models } = deps;
  const history = state.history.slice(-deps.historyTurns);
  // Classifying spends tokens on every question, so past the budget the offline rules decide.
  if (models.cheap && !expired(state) && (await withinBudget(deps, state))) {
    try {
      const { value, usage } = await models.cheap.classify(
        CLASSIFY_SYSTEM,
        classifyPrompt(state.question, history, state.thread),
        untilDeadline(state),
      );
      await charge(deps, state, usage);
      return {
        ...value,
        standalone: value.standalone.trim() || state.question,
        usage: addUsage(state.usage, usageOf(deps, models.cheap.name, usage)),
      };
    } catch (error) {
      deps.onModelError?.(models.cheap.name, error);
    }
  }
  const earlier = history.map((t) => t.standalone);
  const asked = threadQuestion(state.thread);
  return classifyOffline(state.question, asked ? [asked, ...earlier] : earlier);
}

/**
 * The question as it stands: its own words before classification (a thread's first question
 * stands alone, so a hit costs no model call at all), the standalone rewrite after it. An admin's
 * curated answer to it wins over a cached one.
 */
async function cache(lookUp: ReturnType<typeof cacheLookup>, state: AnswerStateType): Promise<AnswerUpdate> {
  const question = state.standalone || state.question;
  const { key, versions, curated, hit } = await lookUp(
    state.audience,
    question,
    state.missedKeys,
    threadKey(state, question),
  );
  if (curated) return { ...fromCurated(curated), standalone: question, versions };
  if (hit) return { ...fromCache(hit), standalone: question, versions };
  const missedKeys = state.missedKeys.includes(key) ? state.missedKeys : [...state.missedKeys, key];
  return { versions, missedKeys };
}

async function retrieve(deps: AnswerGraphDeps, state: AnswerStateType): Promise<AnswerUpdate> {
  const { models } = deps;
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
}

async function answer(
  deps: AnswerGraphDeps,
  state: AnswerStateType,
  relay?: AnswerTextRelay,
): Promise<AnswerUpdate> {
  const { models } = deps;
  const { passages } = state;
  if (!models.cheap && !models.strong) return { ...extractive(state), route: 'extractive' };
  if (expired(state)) return quoted(state);
  if (!(await withinBudget(deps, state)))
    return { ...extractive(state, BUDGET_SPENT_NOTE), route: 'over_budget' };
  const preferStrong = state.complexity === 'complex' && models.strong;
  const order = (preferStrong ? [models.strong, models.cheap] : [models.cheap, models.strong]).filter(
    (m): m is LanguageModel => m !== undefined,
  );
  // Strong first for complex questions, falling back to cheap; cheap first otherwise (escalation decides later).
  const first = order[0] as LanguageModel;
  const attempt = await callModel(deps, first, state, relay);
  if (attempt.ok)
    return {
      ...fromModel(deps, first, attempt.reply, passages, state.usage),
      route: first === models.strong ? 'strong' : 'cheap',
    };
  const second = order[1];
  if (second && second !== first && !expired(state)) {
    const retry = await callModel(deps, second, state, relay);
    if (retry.ok)
      return {
        ...fromModel(deps, second, retry.reply, passages, state.usage),
        route: second === models.strong ? 'strong' : 'cheap',
      };
  }
  return quoted(state);
}

async function escalate(
  deps: AnswerGraphDeps,
  state: AnswerStateType,
  relay: AnswerTextRelay | undefined,
  escalating: () => void,
): Promise<AnswerUpdate> {
  const { models } = deps;
  // The cheap answer shown so far is not kept as it is.
  relay?.withdraw();
  const usable = state.covered && state.cited.length > 0;
  // Past the deadline or the budget, as when the strong model fails, a usable cheap answer stands.
  if (expired(state)) return usable ? {} : quoted(state);
  if (!(await withinBudget(deps, state)))
    return usable ? {} : { ...extractive(state, BUDGET_SPENT_NOTE), route: 'over_budget' };
  const strong = models.strong as LanguageModel;
  escalating();
  const attempt = await callModel(deps, strong, state, relay);
  if (attempt.ok)
    return { ...fromModel(deps, strong, attempt.reply, state.passages, state.usage), route: 'escalated' };
  // The cheap answer stands when it is usable; otherwise quote the passages.
  return usable ? {} : quoted(state);
}

async function cacheWrite(deps: AnswerGraphDeps, state: AnswerStateType): Promise<AnswerUpdate> {
  // Quoted stand-ins (model down, budget spent) must not be served as the model's answer later.
  const grounded =
    state.covered && state.cited.length > 0 && !['fallback', 'over_budget', 'cached'].includes(state.route);
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
}

async function remember(state: AnswerStateType): Promise<AnswerUpdate> {
  const answer = stripMentions(state.covered ? state.answer : NOT_IN_DOCUMENTS);
  // Only real questions give later follow-ups their topic; a "thanks" in between must not.
  const standalone = state.intent === 'question' ? state.standalone || state.question : '';
  return { answer, history: [{ question: state.question, standalone, answer }] };
}
