import { z } from 'zod';

export const classificationSchema = z.object({
  intent: z.enum(['smalltalk', 'question', 'out_of_scope']),
  complexity: z.enum(['simple', 'complex']),
  standalone: z.string().describe('the question rewritten to stand alone'),
});

// Models write the fields in this order: `covered` and `confidence` come before the text, so a
// streamed answer is known to be kept (or not) before any of it is shown.
export const answerSchema = z.object({
  covered: z.boolean().describe('false when the passages do not contain the answer'),
  confidence: z.enum(['high', 'medium', 'low']),
  answer: z.string().describe('the answer, citing passages like [1]'),
  cited: z.array(z.number().int()).describe('numbers of the passages the answer relies on'),
});

export type ClassificationOutput = z.infer<typeof classificationSchema>;
export type AnswerOutput = z.infer<typeof answerSchema>;

export interface TokenUsage {
  input: number;
  output: number;
}

export interface ModelReply<T> {
  value: T;
  usage: TokenUsage;
}

/** `signal` ends the call, retries included: the question's deadline passed. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The answer as parsed so far while the model writes it: fields appear in the schema's order. */
export type PartialAnswer = Partial<AnswerOutput>;

export interface AnswerCallOptions extends CallOptions {
  /**
   * Given, the answer is streamed: called with the answer parsed so far as it grows. The reply
   * resolves with the whole answer and its token usage, as without it.
   */
  onPartial?: (partial: PartialAnswer) => void;
}

/** What the answer graph needs from a language model, whatever serves it. */
export interface LanguageModel {
  readonly name: string;
  classify(system: string, prompt: string, options?: CallOptions): Promise<ModelReply<ClassificationOutput>>;
  answer(system: string, prompt: string, options?: AnswerCallOptions): Promise<ModelReply<AnswerOutput>>;
}

export interface ModelTiers {
  cheap?: LanguageModel;
  strong?: LanguageModel;
}
