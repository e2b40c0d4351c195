import type { AnswerStep, AnswerStream } from '../../src/core/ask.js';
import type { PartialAnswer } from '../../src/core/ports/language-model.js';
import { stripMentions } from './sanitize.js';

/** What the graph's nodes are given for one answer, beside its state (LangGraph's run context). */
export interface AnswerRunContext {
  relay?: AnswerTextRelay;
  onStep?: (step: AnswerStep) => void;
}

export const relayOf = (config?: { context?: unknown }) =>
  (config?.context as AnswerRunContext | undefined)?.relay;

/** Tells the caller a step was reached; a caller's failure never fails the answer. */
export function tellStep(config: { context?: unknown } | undefined, step: AnswerStep): void {
  try {
    (config?.context as AnswerRunContext | undefined)?.onStep?.(step);
  } catch {
    // Only a status line is lost.
  }
}

/**
 * Whether a partial answer's text may be shown yet: only once the model said the passages cover
 * the question, and, when a low confidence would send it up to the stronger model, that it is
 * not low. The schema puts both before the text, so they are known before any of it arrives.
 */
export type ShowWhen = (partial: PartialAnswer) => boolean;

export const whenCovered: ShowWhen = (p) => p.covered === true;
export const whenCoveredAndSure: ShowWhen = (p) =>
  p.covered === true && (p.confidence === 'high' || p.confidence === 'medium');

/**
 * Between the model's partial answers and a surface: tells it only text the final answer will
 * keep after its clean-up (mentions stripped), and withdraws what was told when a model call is
 * replaced by another or by quoted passages.
 */
export class AnswerTextRelay {
  private shown = '';

  constructor(private readonly listener: AnswerStream) {}

  /** The `onPartial` of one model call; anything told from an earlier call is withdrawn first. */
  forCall(showWhen: ShowWhen): (partial: PartialAnswer) => void {
    this.withdraw();
    return (partial) => {
      if (typeof partial.answer !== 'string' || !showWhen(partial)) return;
      this.show(stripMentions(settledPart(partial.answer)));
    };
  }

  /** What was told will not be the answer: the surface clears it. */
  withdraw(): void {
    if (this.shown === '') return;
    this.shown = '';
    this.tell(() => this.listener.onReset());
  }

  /**
   * The final answer: the rest of it when it continues what was told (so the told text adds up to
   * it), else what was told is withdrawn and the answer comes whole in the result. Nothing is told
   * when nothing was streamed: a cached or quoted answer is never streamed after the fact.
   */
  finish(answer: string): void {
    if (this.shown === '') return;
    if (answer.startsWith(this.shown)) this.show(answer);
    else this.withdraw();
  }

  private show(text: string): void {
    // A clean-up of a longer prefix may differ from a shorter one's: tell only what extends it.
    if (text.length <= this.shown.length || !text.startsWith(this.shown)) return;
    const delta = text.slice(this.shown.length);
    this.shown = text;
    this.tell(() => this.listener.onText(delta));
  }

  /** A surface's failure to show text must not fail the answer: the result still carries it. */
  private tell(call: () => void): void {
    try {
      call();
    } catch {
      // The surface renders the final answer whole in any case.
    }
  }
}

/**
 * The part of a growing text that cannot change any more: up to its last whitespace, and before
 * an unclosed `<…` (a Slack mention being written). The last word may still become `@here`, or
 * be the start of an escape sequence the partial parse rendered early.
 */
function settledPart(text: string): string {
  const open = text.lastIndexOf('<');
  const end = open > text.lastIndexOf('>') ? open : text.length;
  const head = text.slice(0, end);
  const lastSpace = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n'), head.lastIndexOf('\t'));
  return lastSpace < 0 ? '' : head.slice(0, lastSpace);
}
