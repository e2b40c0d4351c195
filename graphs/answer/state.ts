import { Annotation, type BinaryOperatorAggregate } from '@langchain/langgraph';
import type { ThreadMessage } from '../../src/core/thread-context.js';
import type { Audience, Passage } from '../../src/core/types.js';
import type { Complexity, Intent } from './offline-classifier.js';

/** One question and its answer, as a thread's memory keeps them. */
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
  | 'curated'
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

/** What a question starts with: every field of the state but `history` begins each turn so. */
export function freshTurn() {
  return {
    question: '',
    audience: { tenantId: '', scopes: [] } as Audience,
    /** The people's thread the question was asked in (AnswerRequest.thread): context, not instructions. */
    thread: [] as ThreadMessage[],
    intent: 'question' as Intent,
    complexity: 'simple' as Complexity,
    standalone: '',
    /** When this question's model calls must end (epoch ms); 0 sets no deadline. */
    deadline: 0,
    /** The knowledge version of each of `audience.scopes`, as the cache step last read them. */
    versions: [] as string[],
    /** Cache keys looked up and missed in this turn: its answer is stored under each. */
    missedKeys: [] as string[],
    passages: [] as Passage[],
    answer: '',
    /** Passage numbers (1-based) the answer cites. */
    cited: [] as number[],
    confidence: 'high' as 'high' | 'medium' | 'low',
    covered: true,
    route: 'cheap' as Route,
    model: '',
    cached: false,
    /** A short note for the user when something degraded (a model failed, a budget ran out). */
    note: '',
    /** Tokens and cost of this turn so far; nodes that call a model add to it with `addUsage`. */
    usage: { input: 0, output: 0, costUsd: 0 } as Usage,
  };
}

type TurnFields = ReturnType<typeof freshTurn>;
type PerTurnChannels = { [K in keyof TurnFields]: BinaryOperatorAggregate<TurnFields[K], TurnFields[K]> };

/** A channel per field of `freshTurn`, each keeping the last value written. */
function perTurnChannels(): PerTurnChannels {
  const channels: Partial<Record<keyof TurnFields, unknown>> = {};
  for (const name of Object.keys(freshTurn()) as (keyof TurnFields)[])
    channels[name] = Annotation({ reducer: (_, next) => next, default: () => freshTurn()[name] });
  return channels as PerTurnChannels;
}

export const AnswerState = Annotation.Root({
  /** Persisted per thread by the checkpointer. */
  history: Annotation<Turn[]>({
    reducer: (previous, added) => [...previous, ...added].slice(-MAX_REMEMBERED_TURNS),
    default: () => [],
  }),
  ...perTurnChannels(),
});

export const addUsage = (a: Usage, b: Usage): Usage => ({
  input: a.input + b.input,
  output: a.output + b.output,
  costUsd: a.costUsd + b.costUsd,
});

export type AnswerStateType = typeof AnswerState.State;
export type AnswerUpdate = typeof AnswerState.Update;
