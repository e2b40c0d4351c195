import type { SuggestedPrompt } from './assistant-prompts.js';
import type { ApiToken, Env, ModelPrice } from './schema.js';

/** The configuration every part of Docent is given, as loadConfig (../config.ts) builds it from the environment. */
export interface Config {
  dataDir: string;
  lancedbUri: string;
  /** LANCEDB_STORAGE_OPTIONS: the object store's endpoint, credentials and the like, for LanceDB. */
  lancedbStorageOptions?: Record<string, string>;
  openai?: { apiKey: string; baseURL?: string };
  /** `dimensions` is asked of models that can shorten their vectors (text-embedding-3-*). */
  embeddings: { kind: 'local' } | { kind: 'openai'; model: string; dimensions?: number };
  /** Passage size and overlap, and the most passages one file may give (its text is bounded by it too). */
  chunking: { size: number; overlap: number; maxPassages: number };
  maxFileBytes: number;
  topK: number;
  /** RERANK_URL: the fused candidates are reordered by this endpoint before the best TOP_K are kept. */
  rerank?: {
    url: string;
    api: Env['RERANK_API'];
    model?: string;
    apiKey?: string;
    timeoutMs: number;
    /** Passages fetched for the reranker to order; never fewer than TOP_K. */
    candidates: number;
  };
  logLevel: Env['LOG_LEVEL'];
  /** Images and scanned PDF pages read with OCR, within these limits; undefined when OCR=false. */
  ocr?: { languages: string[]; maxPages: number; maxPixels: number; timeoutMs: number };
  /** Worker threads that extract, split and embed documents; 0 prepares them on the calling thread. */
  ingestThreads: number;
  llm: {
    cheapModel: string;
    strongModel: string;
    timeoutMs: number;
    maxRetries: number;
    /** One question's model calls, retries included, end by then; the user gets quoted passages. */
    answerDeadlineMs: number;
    maxAnswerTokens: number;
    prices: Record<string, ModelPrice>;
  };
  /** Model tokens per tenant per UTC day; undefined when DAILY_TOKEN_BUDGET is 0 (unlimited). */
  budget?: { tokensPerDay: number };
  redisUrl?: string;
  cache: { ttlSeconds: number; timeoutMs: number };
  /**
   * Where answered questions and votes are kept: PostgreSQL when `databaseUrl` is set, else a
   * DuckDB file in DATA_DIR (or memory, for processes that do not own DATA_DIR).
   */
  history: { databaseUrl?: string; retentionDays: number; keepText: boolean };
  threads: { maxThreads: number; historyTurns: number; ttlSeconds: number };
  http: {
    port: number;
    host: string;
    /** Query API tokens, each reading one tenant; none: the API refuses every request. */
    apiTokens: ApiToken[];
    adminToken?: string;
    shutdownTimeoutMs: number;
    /** The most a client may take to send one whole request (headers and body). */
    requestTimeoutMs: number;
  };
  /** Whether URLs given to Docent may lead to loopback, private, link-local or metadata addresses. */
  allowPrivateUrls: boolean;
  slack?: {
    botToken: string;
    appToken?: string;
    signingSecret?: string;
    apiUrl?: string;
    command: string;
    ephemeral: boolean;
    /** How long a channel's privacy and sharing, as Slack reported them, are trusted. */
    channelInfoTtlMs: number;
    /** Offered when someone opens the assistant; absent: the tenant's most asked questions. */
    assistantPrompts?: SuggestedPrompt[];
  };
  discord?: {
    token: string;
    applicationId: string;
    guildIds: string[];
    apiUrl?: string;
    /** Reply to mentions in a new thread when the channel allows it. */
    replyInThread: boolean;
    /** Whether the privileged MESSAGE_CONTENT intent is enabled for the bot. */
    messageContent: boolean;
  };
  /** Per-user question limits; undefined when RATE_LIMIT_PER_MINUTE is 0. */
  limits?: {
    perMinute: number;
    queue: number;
    tenantConcurrency: number;
    /** With REDIS_URL: the most the shared limits may delay a question before local ones decide. */
    redisTimeoutMs: number;
  };
  /** Channels whose shared files are ingested: every channel, none, or the listed ids (DMs count as channels). */
  ingestChannels: 'all' | 'none' | string[];
  /**
   * Channels whose top-level questions are answered without a mention when the documents cover
   * them (for every tenant; admins add their tenant's own), and what an uncovered one gets.
   */
  autoAnswer: { channels: string[]; uncovered: 'silent' | 'react' };
  /** Each answer's trace: always kept for the admin; also sent to `otlp.url` when an endpoint is set. */
  telemetry: { serviceName: string; otlp?: { url: string; headers: Record<string, string> } };
  /** Ingestion jobs for shared files: retries, parallelism, and (with Redis) the shared queue's keys. */
  jobs: { attempts: number; backoffMs: number; concurrency: number; lockMs: number; prefix: string };
  /** Sources synced on a schedule: the web reader's pace and page limit, retries, the local scheduler's tick. */
  sources: {
    webConcurrency: number;
    webIntervalMs: number;
    maxPages: number;
    retryMs: number;
    checkMs: number;
    /** The only directory whose files sources may name as credentials. */
    secretsDir: string;
    /** Google's API root for gdrive sources, or a proxy in front of it. */
    gdriveApiUrl: string;
    /** `webUrl`: where files are shown; derived from `apiUrl` when unset. */
    github: { apiUrl: string; webUrl?: string };
    notion: { apiUrl: string };
  };
}
