import { OpenAIEmbeddings } from '@langchain/openai';
import type { Embedder } from './embedder.js';

const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs?: number;
}

/** Any OpenAI-compatible embeddings endpoint (OpenAI, Azure, Ollama, vLLM). */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  dimension: number;
  private readonly client: OpenAIEmbeddings;

  constructor(options: OpenAIEmbedderOptions) {
    this.id = `openai:${options.model}`;
    this.dimension = KNOWN_DIMENSIONS[options.model] ?? 0;
    this.client = new OpenAIEmbeddings({
      apiKey: options.apiKey,
      model: options.model,
      batchSize: 256,
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: 3,
      configuration: options.baseURL ? { baseURL: options.baseURL } : undefined,
    });
  }

  /** Unknown models report their size on first use; ask once so the store can check it. */
  async resolveDimension(): Promise<void> {
    if (this.dimension === 0) this.dimension = (await this.embedQuery('dimension probe')).length;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    const vectors = await this.client.embedDocuments(texts);
    return vectors.map((v) => Float32Array.from(v));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return Float32Array.from(await this.client.embedQuery(text));
  }
}
