import { Annotation } from '@langchain/langgraph';
import type { Audience, Passage } from '../../src/core/types.js';
import type { Complexity, Intent } from '../../src/llm/offline-classifier.js';

export interface Turn {
  question: string;
  standalone: string;
  answer: string;
}

export type Route =
  | 'extractive'
  | 'smalltalk'
  | 'out_of_scope'
  | 'cached'
  | 'no_passages'
  | 'cheap'
  | 'strong'
  | 'escalated'
  | 'fallback'
  | 'over_budget';

export interface Usage {
  input: number;
  output: number;
  costUsd: number;
}

// A thread remembers this many turns; older ones no longer help resolve "and for staging?".
const MAX_REMEMBERED_TURNS = 20;

const lastValue = <T>(initial: () => T) => Annotation<T>({ reducer: (_, next) => next, default: initial });

export const AnswerState = Annotation.Root({
  /** Persisted per thread by the checkpointer. */
  history: Annotation<Turn[]>({
    reducer: (previous, added) => [...previous, ...added].slice(-MAX_REMEMBERED_TURNS),
    default: () => [],
  }),
  // Everything below is per turn: the service resets it on every question.
  question: lastValue(() => ''),
  audience: lastValue<Audience>(() => ({ tenantId: '', scopes: [] })),
  intent: lastValue<Intent>(() => 'question'),
  complexity: lastValue<Complexity>(() => 'simple'),
  standalone: lastValue(() => ''),
  cacheKey: lastValue(() => ''),
  /** When this question's model calls must end (epoch ms); 0 sets no deadline. */
  deadline: lastValue(() => 0),
  /** Key of the literal question, looked up before classification on a thread's first turn. */
  quickKey: lastValue(() => ''),
  passages: lastValue<Passage[]>(() => []),
  answer: lastValue(() => ''),
  /** Passage numbers (1-based) the answer cites. */
  cited: lastValue<number[]>(() => []),
  confidence: lastValue<'high' | 'medium' | 'low'>(() => 'high'),
  covered: lastValue(() => true),
  route: lastValue<Route>(() => 'cheap'),
  model: lastValue(() => ''),
  cached: lastValue(() => false),
  /** A short note for the user when something degraded (a model failed, a budget ran out). */
  note: lastValue(() => ''),
  /** Tokens and cost of this turn so far; nodes that call a model add to it with `addUsage`. */
  usage: lastValue<Usage>(() => ({ input: 0, output: 0, costUsd: 0 })),
});

export const addUsage = (a: Usage, b: Usage): Usage => ({
  input: a.input + b.input,
  output: a.output + b.output,
  costUsd: a.costUsd + b.costUsd,
});

export type AnswerStateType = typeof AnswerState.State;
export type AnswerUpdate = typeof AnswerState.Update;
