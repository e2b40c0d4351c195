import { z } from 'zod';

export const classificationSchema = z.object({
  intent: z.enum(['smalltalk', 'question', 'out_of_scope']),
  complexity: z.enum(['simple', 'complex']),
  standalone: z.string().describe('the question rewritten to stand alone'),
});

export const answerSchema = z.object({
  answer: z.string().describe('the answer, citing passages like [1]'),
  cited: z.array(z.number().int()).describe('numbers of the passages the answer relies on'),
  covered: z.boolean().describe('false when the passages do not contain the answer'),
  confidence: z.enum(['high', 'medium', 'low']),
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

/** What the answer graph needs from a language model, whatever serves it. */
export interface LanguageModel {
  readonly name: string;
  classify(system: string, prompt: string, options?: CallOptions): Promise<ModelReply<ClassificationOutput>>;
  answer(system: string, prompt: string, options?: CallOptions): Promise<ModelReply<AnswerOutput>>;
}

export interface ModelTiers {
  cheap?: LanguageModel;
  strong?: LanguageModel;
}
