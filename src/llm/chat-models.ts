import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessageChunk } from '@langchain/core/messages';
import { parsePartialJson } from '@langchain/core/output_parsers';
import type { Runnable } from '@langchain/core/runnables';
import type { z } from 'zod';
import {
  type AnswerCallOptions,
  type AnswerOutput,
  answerSchema,
  type CallOptions,
  type ClassificationOutput,
  classificationSchema,
  type LanguageModel,
  type ModelReply,
  type PartialAnswer,
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

  answer(system: string, prompt: string, options?: AnswerCallOptions): Promise<ModelReply<AnswerOutput>> {
    return this.answerer(system, prompt, options);
  }
}

type StructuredCall<T> = (
  system: string,
  prompt: string,
  options?: CallOptions & { onPartial?: (partial: Partial<T>) => void },
) => Promise<ModelReply<T>>;

interface RawAndParsed<T> {
  raw: { usage_metadata?: { input_tokens: number; output_tokens: number } };
  parsed: T;
}

function structuredCall<T extends z.ZodType>(
  chat: BaseChatModel,
  schema: T,
  name: string,
): StructuredCall<z.infer<T>> {
  const runnable = chat.withStructuredOutput(schema, { name, includeRaw: true }) as Runnable;
  return async (system, prompt, options = {}) => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: prompt },
    ];
    // LangChain aborts the request in flight and gives up its retries once the signal fires.
    const { raw, parsed } = options.onPartial
      ? await streamed<z.infer<T>>(runnable, messages, options.signal, options.onPartial)
      : ((await runnable.invoke(messages, { signal: options.signal })) as RawAndParsed<z.infer<T>>);
    const validated = schema.parse(parsed) as z.infer<T>;
    return {
      value: validated,
      usage: { input: raw.usage_metadata?.input_tokens ?? 0, output: raw.usage_metadata?.output_tokens ?? 0 },
    };
  };
}

// Parsing the whole JSON so far on every token costs quadratic time in a long answer: once the
// text shows, a parse at most this often is as fast as anyone reads.
const PARSE_EVERY_MS = 50;

/**
 * The same call, streamed: the structured-output runnable's events carry the model's chunks (the
 * JSON of a `json_schema` reply, or a forced tool call's arguments) as they arrive, parsed as
 * partial JSON for `onPartial`; its last event is the whole reply, raw message and usage included.
 */
async function streamed<T>(
  runnable: Runnable,
  messages: { role: string; content: string }[],
  signal: AbortSignal | undefined,
  onPartial: (partial: Partial<T>) => void,
): Promise<RawAndParsed<T>> {
  let json = '';
  let parsedAt = 0;
  let textStarted = false;
  let final: RawAndParsed<T> | undefined;
  // The first event is the runnable's own start; its end, with the same run id, carries the reply.
  let rootRun: string | undefined;
  for await (const event of runnable.streamEvents(messages, { version: 'v2', signal })) {
    rootRun ??= event.run_id;
    if (event.event === 'on_chat_model_stream') {
      const chunk = event.data.chunk as BaseMessageChunk & { tool_call_chunks?: { args?: string }[] };
      if (typeof chunk.content === 'string') json += chunk.content;
      for (const call of chunk.tool_call_chunks ?? []) json += call.args ?? '';
      const now = performance.now();
      if (textStarted && now - parsedAt < PARSE_EVERY_MS) continue;
      parsedAt = now;
      const partial = parsePartialJson(json) as PartialAnswer | null;
      if (!partial || typeof partial !== 'object') continue;
      textStarted = typeof partial.answer === 'string' && partial.answer.length > 0;
      onPartial(partial as Partial<T>);
    } else if (event.event === 'on_chain_end' && event.run_id === rootRun) {
      final = event.data.output as RawAndParsed<T>;
    }
  }
  if (!final) throw new Error('the model stream ended without a reply');
  return final;
}
