import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import type { TokenUsage } from './pricing.js';

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

export interface ModelReply<T> {
  value: T;
  usage: TokenUsage;
}

/** What the answer graph needs from a language model, whatever serves it. */
export interface LanguageModel {
  readonly name: string;
  classify(system: string, prompt: string): Promise<ModelReply<ClassificationOutput>>;
  answer(system: string, prompt: string): Promise<ModelReply<AnswerOutput>>;
}

export interface ModelTiers {
  cheap?: LanguageModel;
  strong?: LanguageModel;
}

/** Structured output through any LangChain chat model, keeping the raw message for token usage. */
export class StructuredChatModel implements LanguageModel {
  constructor(
    readonly name: string,
    private readonly chat: BaseChatModel,
  ) {}

  classify(system: string, prompt: string): Promise<ModelReply<ClassificationOutput>> {
    return this.call(classificationSchema, 'classification', system, prompt);
  }

  answer(system: string, prompt: string): Promise<ModelReply<AnswerOutput>> {
    return this.call(answerSchema, 'grounded_answer', system, prompt);
  }

  private async call<T extends z.ZodType>(
    schema: T,
    name: string,
    system: string,
    prompt: string,
  ): Promise<ModelReply<z.infer<T>>> {
    const runnable = this.chat.withStructuredOutput(schema, { name, includeRaw: true });
    const { raw, parsed } = (await runnable.invoke([
      { role: 'system', content: system },
      { role: 'user', content: prompt },
    ])) as unknown as {
      raw: { usage_metadata?: { input_tokens: number; output_tokens: number } };
      parsed: z.infer<T>;
    };
    const validated = schema.parse(parsed) as z.infer<T>;
    return {
      value: validated,
      usage: { input: raw.usage_metadata?.input_tokens ?? 0, output: raw.usage_metadata?.output_tokens ?? 0 },
    };
  }
}
