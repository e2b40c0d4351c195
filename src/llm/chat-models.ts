import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { z } from 'zod';
import {
  type AnswerOutput,
  answerSchema,
  type CallOptions,
  type ClassificationOutput,
  classificationSchema,
  type LanguageModel,
  type ModelReply,
} from '../core/ports/language-model.js';

/** Structured output through any LangChain chat model, keeping the raw message for token usage. */
export class StructuredChatModel implements LanguageModel {
  // Built once: binding a schema converts it to JSON Schema and wraps the model, which per
  // question would be CPU spent on the event loop that also acknowledges Slack and Discord.
  private readonly classifier: StructuredCall<ClassificationOutput>;
  private readonly answerer: StructuredCall<AnswerOutput>;

  constructor(
    readonly name: string,
    chat: BaseChatModel,
  ) {
    this.classifier = structuredCall(chat, classificationSchema, 'classification');
    this.answerer = structuredCall(chat, answerSchema, 'grounded_answer');
  }

  classify(system: string, prompt: string, options?: CallOptions): Promise<ModelReply<ClassificationOutput>> {
    return this.classifier(system, prompt, options);
  }

  answer(system: string, prompt: string, options?: CallOptions): Promise<ModelReply<AnswerOutput>> {
    return this.answerer(system, prompt, options);
  }
}

type StructuredCall<T> = (system: string, prompt: string, options?: CallOptions) => Promise<ModelReply<T>>;

function structuredCall<T extends z.ZodType>(
  chat: BaseChatModel,
  schema: T,
  name: string,
): StructuredCall<z.infer<T>> {
  const runnable = chat.withStructuredOutput(schema, { name, includeRaw: true });
  return async (system, prompt, options = {}) => {
    // LangChain aborts the request in flight and gives up its retries once the signal fires.
    const { raw, parsed } = (await runnable.invoke(
      [
        { role: 'system', content: system },
        { role: 'user', content: prompt },
      ],
      { signal: options.signal },
    )) as unknown as {
      raw: { usage_metadata?: { input_tokens: number; output_tokens: number } };
      parsed: z.infer<T>;
    };
    const validated = schema.parse(parsed) as z.infer<T>;
    return {
      value: validated,
      usage: { input: raw.usage_metadata?.input_tokens ?? 0, output: raw.usage_metadata?.output_tokens ?? 0 },
    };
  };
}
