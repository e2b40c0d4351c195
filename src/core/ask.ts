import type { AskContext } from './scope.js';
import type { ThreadMessage } from './thread-context.js';
import type { Passage } from './types.js';

/** The answer when the documents hold nothing about the question. */
export const NOT_IN_DOCUMENTS = "I couldn't find anything about that in your documents.";

export interface SourceView {
  n: number;
  doc_id: string;
  title: string;
  source: string;
  score: number;
  text: string;
}

/** The answer shape every surface shares (CLI --json, HTTP API, chat adapters); keep it stable. */
export interface AnswerResult {
  /** Identifies this answer for feedback. */
  id: string;
  answer: string;
  sources: SourceView[];
  route: string;
  model: string;
  cached: boolean;
  latency_ms: number;
  tokens: { input: number; output: number };
  cost_usd: number;
  /** Where the steps that made this answer are recorded (GET /admin/traces/:id, an OpenTelemetry backend). */
  trace_id?: string;
  /** Set when something degraded (a model failed, the daily token budget ran out) and the user should know. */
  note?: string;
}

/**
 * Told of an answer's text while a model writes it, so a person sees it forming. Only text the
 * final answer keeps is told (after the same clean-up); cached, curated and quoted answers come
 * whole in the result, with nothing told here.
 */
export interface AnswerStream {
  /** More of the answer's text, to show after what came before. */
  onText(delta: string): void;
  /**
   * What was told so far will not be the answer (it went up to the stronger model, or the model
   * failed): clear it. Text told after this starts afresh.
   */
  onReset(): void;
}

/**
 * A step of answering worth telling someone who waits: the documents are searched, or the
 * answer went up to the stronger model. Not told for cached, curated or small-talk replies.
 */
export type AnswerStep = 'searching' | 'escalating';

export interface AnswerRequest {
  question: string;
  context: AskContext;
  /**
   * The platform thread; turns with the same id share history. Omit for a one-off question. Read
   * once answering has started, as starting may move a new conversation into a thread of its own:
   * a caller may give it as a getter (so a copy made by spreading the request would miss the move).
   */
  threadId?: string;
  /** The question starts its thread (a slash command, a new session): it has no history yet. */
  opensThread?: boolean;
  /**
   * Earlier messages of the people's thread the question was asked in: what "can you answer this?"
   * refers to. Context for understanding the question only; the audience comes from `context`.
   */
  thread?: ThreadMessage[];
  /**
   * How answering starts: `answer` runs once the caller lets it, which may first wait for the
   * asker's limits and show progress, or throw ThrottledError. `needsModels` is false for a
   * cached answer to a question that opens its thread: it costs no model call, so nothing that
   * guards them need hold it up. Without this, answering starts at once.
   */
  start?: <T>(needsModels: boolean, answer: () => Promise<T>) => Promise<T>;
  /** Told of the answer's text as it is written; the result still carries the whole answer. */
  stream?: AnswerStream;
  /** Told as answering reaches each step (see AnswerStep); must not throw or wait. */
  onStep?: (step: AnswerStep) => void;
}

/** The port every surface asks through; the answer graph implements it. */
export interface Answerer {
  answer(request: AnswerRequest): Promise<AnswerResult>;
}

export function toSources(passages: Passage[]): SourceView[] {
  return passages.map((p, i) => ({
    n: i + 1,
    doc_id: p.docId,
    title: p.title,
    source: p.source,
    score: Number(p.score.toFixed(6)),
    text: p.text,
  }));
}
