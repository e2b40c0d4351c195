import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config.js';
import type { ModelTiers } from '../core/ports/language-model.js';
import { StructuredChatModel } from './chat-models.js';

/** Cheap and strong tiers on any OpenAI-compatible endpoint; none without a key (offline mode). */
export function createOpenAIModels(config: Config): ModelTiers {
  if (!config.openai) return {};
  const { llm } = config;
  const make = (model: string) =>
    new StructuredChatModel(
      model,
      new ChatOpenAI({
        model,
        apiKey: config.openai?.apiKey,
        configuration: config.openai?.baseURL ? { baseURL: config.openai.baseURL } : undefined,
        temperature: 0,
        timeout: llm.timeoutMs,
        // LangChain's caller retries 429 and 5xx with backoff and waits out Retry-After.
        maxRetries: llm.maxRetries,
        maxTokens: llm.maxAnswerTokens,
      }),
    );
  return { cheap: make(llm.cheapModel), strong: make(llm.strongModel) };
}
