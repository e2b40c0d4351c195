import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Config } from './config/config-shape.js';
import { type Env, schema } from './config/schema.js';
import { apiTokensOf } from './config/value-parsers.js';

export type { Config } from './config/config-shape.js';
export type { ApiToken, ModelPrice } from './config/schema.js';
export { DEFAULTS } from './config/schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every variable Docent reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

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
    lancedbStorageOptions: e.LANCEDB_STORAGE_OPTIONS,
    openai,
    embeddings: useOpenAIEmbeddings
      ? { kind: 'openai', model: e.EMBEDDING_MODEL, dimensions: e.EMBEDDING_DIMENSIONS }
      : { kind: 'local' },
    chunking: { size: e.CHUNK_SIZE, overlap: e.CHUNK_OVERLAP, maxPassages: e.MAX_PASSAGES_PER_FILE },
    maxFileBytes: Math.round(e.MAX_FILE_MB * 1024 * 1024),
    topK: e.TOP_K,
    rerank: rerankConfig(e),
    logLevel: e.LOG_LEVEL,
    ocr:
      e.OCR === 'true'
        ? {
            languages: e.OCR_LANGUAGES,
            maxPages: e.OCR_MAX_PAGES,
            maxPixels: e.OCR_MAX_PIXELS,
            timeoutMs: e.OCR_TIMEOUT_MS,
          }
        : undefined,
    ingestThreads: e.INGEST_THREADS ?? availableParallelism(),
    llm: llmConfig(e),
    budget: e.DAILY_TOKEN_BUDGET > 0 ? { tokensPerDay: e.DAILY_TOKEN_BUDGET } : undefined,
    redisUrl: e.REDIS_URL,
    cache: { ttlSeconds: e.CACHE_TTL_SECONDS, timeoutMs: e.CACHE_TIMEOUT_MS },
    history: {
      databaseUrl: e.DATABASE_URL,
      retentionDays: e.HISTORY_DAYS,
      keepText: e.HISTORY_TEXT === 'true',
    },
    http: httpConfig(e),
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS === 'true',
    slack: slackConfig(e),
    discord: discordConfig(e),
    limits: limitsConfig(e),
    ingestChannels:
      e.INGEST_CHANNELS === 'all' || e.INGEST_CHANNELS === 'none'
        ? e.INGEST_CHANNELS
        : e.INGEST_CHANNELS.split(',')
            .map((c) => c.trim())
            .filter(Boolean),
    autoAnswer: {
      channels: (e.AUTO_ANSWER_CHANNELS ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      uncovered: e.AUTO_ANSWER_UNCOVERED,
    },
    jobs: {
      attempts: e.INGEST_JOB_ATTEMPTS,
      backoffMs: e.INGEST_JOB_BACKOFF_MS,
      concurrency: e.INGEST_JOB_CONCURRENCY,
      lockMs: e.INGEST_JOB_LOCK_MS,
      prefix: e.JOB_QUEUE_PREFIX,
    },
    sources: {
      webConcurrency: e.SOURCE_WEB_CONCURRENCY,
      webIntervalMs: e.SOURCE_WEB_INTERVAL_MS,
      maxPages: e.SOURCE_MAX_PAGES,
      retryMs: e.SOURCE_RETRY_MS,
      checkMs: e.SOURCE_CHECK_MS,
      secretsDir: path.resolve(e.SOURCE_SECRETS_DIR),
      gdriveApiUrl: e.SOURCE_GDRIVE_API_URL.replace(/\/?$/, '/'),
      github: { apiUrl: e.GITHUB_API_URL, webUrl: e.GITHUB_WEB_URL },
      notion: { apiUrl: e.NOTION_API_URL },
    },
    telemetry: telemetryConfig(e),
    threads: {
      maxThreads: e.THREAD_MEMORY_MAX_THREADS,
      historyTurns: e.THREAD_HISTORY_TURNS,
      ttlSeconds: e.THREAD_TTL_SECONDS,
    },
  };
}

function slackConfig(e: Env): Config['slack'] {
  return e.SLACK_BOT_TOKEN
    ? {
        botToken: e.SLACK_BOT_TOKEN,
        appToken: e.SLACK_APP_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        apiUrl: e.SLACK_API_URL,
        command: e.SLACK_COMMAND,
        ephemeral: e.SLACK_EPHEMERAL === 'true',
        channelInfoTtlMs: e.SLACK_CHANNEL_INFO_TTL_MS,
        assistantPrompts: e.SLACK_ASSISTANT_PROMPTS,
      }
    : undefined;
}

function discordConfig(e: Env): Config['discord'] {
  return e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
    ? {
        token: e.DISCORD_TOKEN,
        applicationId: e.DISCORD_APPLICATION_ID,
        guildIds: (e.DISCORD_GUILD_IDS ?? '')
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean),
        apiUrl: e.DISCORD_API_URL,
        replyInThread: e.DISCORD_REPLY_IN_THREAD === 'true',
        messageContent: e.DISCORD_MESSAGE_CONTENT === 'true',
      }
    : undefined;
}

function limitsConfig(e: Env): Config['limits'] {
  return e.RATE_LIMIT_PER_MINUTE > 0
    ? {
        perMinute: e.RATE_LIMIT_PER_MINUTE,
        queue: e.RATE_LIMIT_QUEUE,
        tenantConcurrency: e.TENANT_MAX_CONCURRENT,
        redisTimeoutMs: e.RATE_LIMIT_REDIS_TIMEOUT_MS,
      }
    : undefined;
}

function rerankConfig(e: Env): Config['rerank'] {
  return e.RERANK_URL
    ? {
        url: e.RERANK_URL,
        api: e.RERANK_API,
        model: e.RERANK_MODEL,
        apiKey: e.RERANK_API_KEY,
        timeoutMs: e.RERANK_TIMEOUT_MS,
        candidates: Math.max(e.RERANK_CANDIDATES, e.TOP_K),
      }
    : undefined;
}

function llmConfig(e: Env): Config['llm'] {
  return {
    cheapModel: e.CHEAP_MODEL,
    strongModel: e.STRONG_MODEL,
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxRetries: e.LLM_MAX_RETRIES,
    answerDeadlineMs: e.ANSWER_DEADLINE_MS,
    maxAnswerTokens: e.MAX_ANSWER_TOKENS,
    prices: e.MODEL_PRICES ?? {},
  };
}

/** Spans go to OTLP's traces path under the endpoint, as OpenTelemetry specifies for the base endpoint. */
function telemetryConfig(e: Env): Config['telemetry'] {
  const url =
    e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return {
    serviceName: e.OTEL_SERVICE_NAME,
    otlp: url ? { url, headers: e.OTEL_EXPORTER_OTLP_HEADERS ?? {} } : undefined,
  };
}

function httpConfig(e: Env): Config['http'] {
  return {
    port: e.PORT,
    host: e.HOST,
    apiTokens: apiTokensOf(e),
    adminToken: e.DOCENT_ADMIN_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
  };
}
