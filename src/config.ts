import path from 'node:path';
import { z } from 'zod';

/** Every default in one place; the schema below fills them in. */
export const DEFAULTS = {
  DATA_DIR: './data',
  EMBEDDING_MODEL: 'text-embedding-3-small',
  CHUNK_SIZE: 500,
  CHUNK_OVERLAP: 50,
  MAX_FILE_MB: 25,
  TOP_K: 5,
  LOG_LEVEL: 'info',
} as const satisfies Record<string, string | number>;

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const schema = z
  .object({
    DATA_DIR: z.string().min(1).default(DEFAULTS.DATA_DIR),
    LANCEDB_URI: optionalString,
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: z.url().optional(),
    EMBEDDINGS: z.enum(['auto', 'local', 'openai']).default('auto'),
    EMBEDDING_MODEL: z.string().min(1).default(DEFAULTS.EMBEDDING_MODEL),
    CHUNK_SIZE: z.coerce.number().int().min(100).max(8000).default(DEFAULTS.CHUNK_SIZE),
    CHUNK_OVERLAP: z.coerce.number().int().min(0).max(2000).default(DEFAULTS.CHUNK_OVERLAP),
    MAX_FILE_MB: z.coerce.number().positive().max(1024).default(DEFAULTS.MAX_FILE_MB),
    TOP_K: z.coerce.number().int().min(1).max(50).default(DEFAULTS.TOP_K),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => c.CHUNK_OVERLAP < c.CHUNK_SIZE, {
    path: ['CHUNK_OVERLAP'],
    message: 'must be smaller than CHUNK_SIZE',
  })
  .refine((c) => c.EMBEDDINGS !== 'openai' || c.OPENAI_API_KEY, {
    path: ['EMBEDDINGS'],
    message: 'is "openai" but OPENAI_API_KEY is not set',
  });

type Env = z.infer<typeof schema>;

export interface Config {
  dataDir: string;
  lancedbUri: string;
  openai?: { apiKey: string; baseURL?: string };
  embeddings: { kind: 'local' } | { kind: 'openai'; model: string };
  chunking: { size: number; overlap: number };
  maxFileBytes: number;
  topK: number;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The only reader of the environment: parse once, fail with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const openai = e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL } : undefined;
  const useOpenAIEmbeddings = e.EMBEDDINGS === 'openai' || (e.EMBEDDINGS === 'auto' && openai !== undefined);
  return {
    dataDir,
    lancedbUri: e.LANCEDB_URI ?? path.join(dataDir, 'lancedb'),
    openai,
    embeddings: useOpenAIEmbeddings ? { kind: 'openai', model: e.EMBEDDING_MODEL } : { kind: 'local' },
    chunking: { size: e.CHUNK_SIZE, overlap: e.CHUNK_OVERLAP },
    maxFileBytes: Math.round(e.MAX_FILE_MB * 1024 * 1024),
    topK: e.TOP_K,
    logLevel: e.LOG_LEVEL,
  };
}
