import { mkdir } from 'node:fs/promises';
import type { Config } from './config.js';
import { KnowledgeBase } from './core/knowledge-base.js';
import type { Embedder } from './ingestion/embedder.js';
import { LocalEmbedder } from './ingestion/local-embedder.js';
import { LanceVectorStore } from './stores/lance-vector-store.js';
import type { VectorStore } from './stores/vector-store.js';

export interface Services {
  config: Config;
  store: VectorStore;
  embedder: Embedder;
  knowledgeBase: KnowledgeBase;
  close(): Promise<void>;
}

/** The composition root: the only place that names concrete classes. */
export async function createServices(config: Config): Promise<Services> {
  const embedder = await createEmbedder(config);
  if (!config.lancedbUri.includes('://')) await mkdir(config.lancedbUri, { recursive: true });
  const store = await LanceVectorStore.open(config.lancedbUri);
  await store.bindEmbedder(embedder);
  const knowledgeBase = new KnowledgeBase({
    store,
    embedder,
    chunking: config.chunking,
    maxFileBytes: config.maxFileBytes,
    topK: config.topK,
  });
  return { config, store, embedder, knowledgeBase, close: () => store.close() };
}

async function createEmbedder(config: Config): Promise<Embedder> {
  if (config.embeddings.kind === 'local' || !config.openai) return new LocalEmbedder();
  // Loaded only when configured: the OpenAI client adds noticeably to every command's start-up.
  const { OpenAIEmbedder } = await import('./ingestion/openai-embedder.js');
  const embedder = new OpenAIEmbedder({ ...config.openai, model: config.embeddings.model });
  await embedder.resolveDimension();
  return embedder;
}
