import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
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
// first word can show (a space ended it), a parse at most this often is as fast as anyone reads.
const PARSE_EVERY_MS = 50;

/**
 * Told of the model's chunks (the JSON of a `json_schema` reply, or a forced tool call's
 * arguments) as they arrive, parsed as partial JSON for `onPartial`. Preferring streaming makes
 * the chat model stream its call, while the structured-output runnable still returns the whole
 * reply, raw message and usage included. A plain handler rather than `streamEvents`, whose
 * tracer builds a run and an event for every step of the runnable on every chunk.
 */
class PartialJsonHandler<T> extends BaseCallbackHandler {
  name = 'partial_json';
  readonly lc_prefer_streaming = true;
  private json = '';
  private parsedAt = 0;
  private wordShown = false;

  constructor(private readonly onPartial: (partial: Partial<T>) => void) {
    // Run in line with the stream rather than queued behind it, so text shows as it comes.
    super({ _awaitHandler: true });
  }

  override handleLLMNewToken(
    token: string,
    _idx: unknown,
    _runId: string,
    _parent?: string,
    _tags?: string[],
    fields?: { chunk?: unknown },
  ): void {
    const chunk = (fields?.chunk as { message?: { tool_call_chunks?: { args?: string }[] } } | undefined)
      ?.message;
    this.json += token;
    for (const call of chunk?.tool_call_chunks ?? []) this.json += call.args ?? '';
    const now = performance.now();
    if (this.wordShown && now - this.parsedAt < PARSE_EVERY_MS) return;
    this.parsedAt = now;
    const partial = parsePartialJson(this.json) as PartialAnswer | null;
    if (!partial || typeof partial !== 'object') return;
    this.wordShown = typeof partial.answer === 'string' && /\s/.test(partial.answer);
    this.onPartial(partial as Partial<T>);
  }
}

async function streamed<T>(
  runnable: Runnable,
  messages: { role: string; content: string }[],
  signal: AbortSignal | undefined,
  onPartial: (partial: Partial<T>) => void,
): Promise<RawAndParsed<T>> {
  return (await runnable.invoke(messages, {
    signal,
    callbacks: [new PartialJsonHandler(onPartial)],
  })) as RawAndParsed<T>;
}
