import { z } from 'zod';
import { parseAssistantPrompts } from './assistant-prompts.js';
import { installedOcrLanguages } from './ocr-languages.js';
import { parseOtlpHeaders } from './otlp-headers.js';
import {
  apiTokensOf,
  parseApiTokens,
  parsePrices,
  parseStorageOptions,
  TENANT_ID,
  uniqueTokens,
} from './value-parsers.js';

export type { ApiToken, ModelPrice } from './value-parsers.js';

// The environment Docent reads, as a zod schema: every variable, its default and its bounds.
// loadConfig (../config.ts) turns what it parses into the Config the rest of Docent uses.

/** Every default in one place; the schema below fills them in. */
export const DEFAULTS = {
  DATA_DIR: './data',
  EMBEDDING_MODEL: 'text-embedding-3-small',
  CHUNK_SIZE: 500,
  CHUNK_OVERLAP: 50,
  MAX_FILE_MB: 25,
  MAX_PASSAGES_PER_FILE: 5000,
  TOP_K: 5,
  RERANK_API: 'cohere',
  RERANK_TIMEOUT_MS: 2000,
  RERANK_CANDIDATES: 20,
  LOG_LEVEL: 'info',
  CHEAP_MODEL: 'gpt-4o-mini',
  STRONG_MODEL: 'gpt-4o',
  LLM_TIMEOUT_MS: 30_000,
  LLM_MAX_RETRIES: 2,
  ANSWER_DEADLINE_MS: 20_000,
  MAX_ANSWER_TOKENS: 700,
  DAILY_TOKEN_BUDGET: 1_000_000,
  CACHE_TTL_SECONDS: 3600,
  CACHE_TIMEOUT_MS: 50,
  HISTORY_DAYS: 90,
  THREAD_MEMORY_MAX_THREADS: 5000,
  THREAD_HISTORY_TURNS: 6,
  THREAD_TTL_SECONDS: 7 * 24 * 3600,
  INGEST_CHANNELS: 'all',
  PORT: 8080,
  HOST: '0.0.0.0',
  SHUTDOWN_TIMEOUT_MS: 10_000,
  HTTP_REQUEST_TIMEOUT_MS: 30_000,
  SLACK_COMMAND: '/ask',
  SLACK_CHANNEL_INFO_TTL_MS: 300_000,
  RATE_LIMIT_PER_MINUTE: 10,
  RATE_LIMIT_QUEUE: 2,
  TENANT_MAX_CONCURRENT: 8,
  INGEST_JOB_ATTEMPTS: 3,
  INGEST_JOB_BACKOFF_MS: 2000,
  INGEST_JOB_CONCURRENCY: 2,
  INGEST_JOB_LOCK_MS: 30_000,
  JOB_QUEUE_PREFIX: 'docent',
  SOURCE_WEB_CONCURRENCY: 2,
  SOURCE_WEB_INTERVAL_MS: 0,
  SOURCE_MAX_PAGES: 1000,
  SOURCE_RETRY_MS: 60_000,
  SOURCE_CHECK_MS: 30_000,
  SOURCE_SECRETS_DIR: '/run/secrets',
  SOURCE_GDRIVE_API_URL: 'https://www.googleapis.com/',
  GITHUB_API_URL: 'https://api.github.com',
  NOTION_API_URL: 'https://api.notion.com',
  RATE_LIMIT_REDIS_TIMEOUT_MS: 50,
  DOCENT_API_TENANT: 'default',
  OTEL_SERVICE_NAME: 'docent',
  OCR_LANGUAGES: 'eng',
  OCR_MAX_PAGES: 20,
  OCR_MAX_PIXELS: 25_000_000,
  OCR_TIMEOUT_MS: 120_000,
} as const satisfies Record<string, string | number>;

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const schema = z
  .object({
    DATA_DIR: z.string().min(1).default(DEFAULTS.DATA_DIR),
    LANCEDB_URI: optionalString,
    LANCEDB_STORAGE_OPTIONS: optionalString.pipe(z.string().transform(parseStorageOptions).optional()),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: z.url().optional(),
    EMBEDDINGS: z.enum(['auto', 'local', 'openai']).default('auto'),
    EMBEDDING_MODEL: z.string().min(1).default(DEFAULTS.EMBEDDING_MODEL),
    // Absent: the model's own size, measured from the endpoint.
    EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).max(16_384).optional(),
    CHUNK_SIZE: z.coerce.number().int().min(100).max(8000).default(DEFAULTS.CHUNK_SIZE),
    CHUNK_OVERLAP: z.coerce.number().int().min(0).max(2000).default(DEFAULTS.CHUNK_OVERLAP),
    MAX_FILE_MB: z.coerce.number().positive().max(1024).default(DEFAULTS.MAX_FILE_MB),
    MAX_PASSAGES_PER_FILE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(DEFAULTS.MAX_PASSAGES_PER_FILE),
    TOP_K: z.coerce.number().int().min(1).max(50).default(DEFAULTS.TOP_K),
    // The full endpoint URL: servers put /rerank under different prefixes (/v1, /v2, none).
    RERANK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    RERANK_API: z.enum(['cohere', 'tei']).default(DEFAULTS.RERANK_API),
    RERANK_MODEL: optionalString,
    RERANK_API_KEY: optionalString,
    RERANK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULTS.RERANK_TIMEOUT_MS),
    RERANK_CANDIDATES: z.coerce.number().int().min(2).max(200).default(DEFAULTS.RERANK_CANDIDATES),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    OCR: z.enum(['true', 'false']).default('true'),
    OCR_LANGUAGES: z.string().trim().min(1).default(DEFAULTS.OCR_LANGUAGES).transform(installedOcrLanguages),
    OCR_MAX_PAGES: z.coerce.number().int().min(1).max(10_000).default(DEFAULTS.OCR_MAX_PAGES),
    OCR_MAX_PIXELS: z.coerce.number().int().min(10_000).max(500_000_000).default(DEFAULTS.OCR_MAX_PIXELS),
    OCR_TIMEOUT_MS: z.coerce.number().int().min(1000).default(DEFAULTS.OCR_TIMEOUT_MS),
    // Absent: one thread per core.
    INGEST_THREADS: z.coerce.number().int().min(0).max(64).optional(),
    CHEAP_MODEL: z.string().min(1).default(DEFAULTS.CHEAP_MODEL),
    STRONG_MODEL: z.string().min(1).default(DEFAULTS.STRONG_MODEL),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(DEFAULTS.LLM_TIMEOUT_MS),
    LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(DEFAULTS.LLM_MAX_RETRIES),
    ANSWER_DEADLINE_MS: z.coerce.number().int().min(1000).default(DEFAULTS.ANSWER_DEADLINE_MS),
    MAX_ANSWER_TOKENS: z.coerce.number().int().min(50).max(16_000).default(DEFAULTS.MAX_ANSWER_TOKENS),
    DAILY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(DEFAULTS.DAILY_TOKEN_BUDGET),
    MODEL_PRICES: optionalString.pipe(z.string().transform(parsePrices).optional()),
    REDIS_URL: z.url().optional(),
    CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(DEFAULTS.CACHE_TTL_SECONDS),
    CACHE_TIMEOUT_MS: z.coerce.number().int().min(1).max(5000).default(DEFAULTS.CACHE_TIMEOUT_MS),
    DATABASE_URL: z
      .url()
      .refine((u) => /^postgres(ql)?:$/.test(new URL(u).protocol), 'must be a postgres:// URL')
      .optional(),
    HISTORY_DAYS: z.coerce.number().int().min(1).max(3650).default(DEFAULTS.HISTORY_DAYS),
    HISTORY_TEXT: z.enum(['true', 'false']).default('true'),
    THREAD_MEMORY_MAX_THREADS: z.coerce.number().int().min(1).default(DEFAULTS.THREAD_MEMORY_MAX_THREADS),
    THREAD_HISTORY_TURNS: z.coerce.number().int().min(0).max(50).default(DEFAULTS.THREAD_HISTORY_TURNS),
    THREAD_TTL_SECONDS: z.coerce.number().int().min(60).default(DEFAULTS.THREAD_TTL_SECONDS),
    INGEST_CHANNELS: z.string().trim().min(1).default(DEFAULTS.INGEST_CHANNELS),
    AUTO_ANSWER_CHANNELS: optionalString.pipe(
      z
        .string()
        .regex(/^[\w.-]{1,64}(\s*,\s*[\w.-]{1,64})*$/, 'a comma-separated list of channel ids')
        .optional(),
    ),
    AUTO_ANSWER_UNCOVERED: z.enum(['silent', 'react']).default('silent'),
    PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.PORT),
    HOST: z.string().min(1).default(DEFAULTS.HOST),
    DOCENT_API_TOKEN: optionalString,
    DOCENT_API_TENANT: z
      .string()
      .trim()
      .regex(TENANT_ID, 'letters, digits, ".", "_" or "-"')
      .default(DEFAULTS.DOCENT_API_TENANT),
    DOCENT_API_TOKENS: optionalString.pipe(z.string().transform(parseApiTokens).optional()),
    DOCENT_ADMIN_TOKEN: optionalString,
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(DEFAULTS.SHUTDOWN_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(10 * 60_000)
      .default(DEFAULTS.HTTP_REQUEST_TIMEOUT_MS),
    ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).default('false'),
    SLACK_BOT_TOKEN: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_API_URL: z.url().optional(),
    SLACK_COMMAND: z
      .string()
      .regex(/^\/[\w-]+$/, 'must look like /ask')
      .default(DEFAULTS.SLACK_COMMAND),
    SLACK_EPHEMERAL: z.enum(['true', 'false']).default('false'),
    SLACK_CHANNEL_INFO_TTL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(DEFAULTS.SLACK_CHANNEL_INFO_TTL_MS),
    SLACK_ASSISTANT_PROMPTS: optionalString.pipe(z.string().transform(parseAssistantPrompts).optional()),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(DEFAULTS.RATE_LIMIT_PER_MINUTE),
    RATE_LIMIT_QUEUE: z.coerce.number().int().min(0).max(100).default(DEFAULTS.RATE_LIMIT_QUEUE),
    TENANT_MAX_CONCURRENT: z.coerce.number().int().min(1).default(DEFAULTS.TENANT_MAX_CONCURRENT),
    INGEST_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DEFAULTS.INGEST_JOB_ATTEMPTS),
    INGEST_JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(DEFAULTS.INGEST_JOB_BACKOFF_MS),
    INGEST_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(DEFAULTS.INGEST_JOB_CONCURRENCY),
    INGEST_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(DEFAULTS.INGEST_JOB_LOCK_MS),
    SOURCE_WEB_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(DEFAULTS.SOURCE_WEB_CONCURRENCY),
    SOURCE_WEB_INTERVAL_MS: z.coerce.number().int().min(0).default(DEFAULTS.SOURCE_WEB_INTERVAL_MS),
    SOURCE_MAX_PAGES: z.coerce.number().int().min(1).max(100_000).default(DEFAULTS.SOURCE_MAX_PAGES),
    SOURCE_RETRY_MS: z.coerce.number().int().min(100).default(DEFAULTS.SOURCE_RETRY_MS),
    SOURCE_CHECK_MS: z.coerce.number().int().min(50).default(DEFAULTS.SOURCE_CHECK_MS),
    SOURCE_SECRETS_DIR: z.string().trim().min(1).default(DEFAULTS.SOURCE_SECRETS_DIR),
    SOURCE_GDRIVE_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(DEFAULTS.SOURCE_GDRIVE_API_URL),
    GITHUB_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(DEFAULTS.GITHUB_API_URL),
    GITHUB_WEB_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    NOTION_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(DEFAULTS.NOTION_API_URL),
    JOB_QUEUE_PREFIX: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" or "-"')
      .default(DEFAULTS.JOB_QUEUE_PREFIX),
    RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(DEFAULTS.RATE_LIMIT_REDIS_TIMEOUT_MS),
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString,
    DISCORD_GUILD_IDS: optionalString,
    DISCORD_API_URL: z.url().optional(),
    DISCORD_REPLY_IN_THREAD: z.enum(['true', 'false']).default('true'),
    DISCORD_MESSAGE_CONTENT: z.enum(['true', 'false']).default('true'),
    // OpenTelemetry's own names: spans go to an OTLP/HTTP collector when an endpoint is set.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    OTEL_EXPORTER_OTLP_HEADERS: optionalString.pipe(z.string().transform(parseOtlpHeaders).optional()),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default(DEFAULTS.OTEL_SERVICE_NAME),
  })
  .refine((c) => c.CHUNK_OVERLAP < c.CHUNK_SIZE, {
    path: ['CHUNK_OVERLAP'],
    message: 'must be smaller than CHUNK_SIZE',
  })
  .refine((c) => !c.SLACK_BOT_TOKEN || c.SLACK_APP_TOKEN || c.SLACK_SIGNING_SECRET, {
    path: ['SLACK_SIGNING_SECRET'],
    message: 'is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
  })
  .refine((c) => !c.DISCORD_TOKEN || c.DISCORD_APPLICATION_ID, {
    path: ['DISCORD_APPLICATION_ID'],
    message: 'is required with DISCORD_TOKEN (Developer Portal → General Information → Application ID)',
  })
  .refine((c) => uniqueTokens(apiTokensOf(c)), {
    path: ['DOCENT_API_TOKENS'],
    message: 'gives one token twice (also counting DOCENT_API_TOKEN): each token must read one tenant',
  })
  .refine((c) => !c.LANCEDB_STORAGE_OPTIONS || c.LANCEDB_URI?.includes('://'), {
    path: ['LANCEDB_STORAGE_OPTIONS'],
    message: 'applies to object storage only: set LANCEDB_URI to an s3://, gs:// or az:// URI too',
  })
  .refine((c) => c.EMBEDDINGS !== 'openai' || c.OPENAI_API_KEY, {
    path: ['EMBEDDINGS'],
    message: 'is "openai" but OPENAI_API_KEY is not set',
  });

export type Env = z.infer<typeof schema>;
