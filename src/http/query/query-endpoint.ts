import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiToken } from '../../config.js';
import type { MessageHandler } from '../../core/handle-message.js';
import type { Logger } from '../../logger.js';
import { bearerCheck, type Caller, isRefusal, type Refusal } from '../auth.js';
import type { Metrics } from '../metrics.js';
import { validate } from '../validation.js';
import { answerQuery, type Query, type QueryResponse, querySchema } from './answer-query.js';

export const QUERY_PATH = '/api/v1/query';
const JSON_TYPE = 'application/json; charset=utf-8';
const MIN_TOKEN_LENGTH = 16;

export interface QueryEndpointOptions {
  handleMessage: MessageHandler;
  /** Each token reads one tenant; none: every request is refused. */
  apiTokens: readonly ApiToken[];
  bodyLimit: number;
  logger: Logger;
  metrics: Metrics;
  isShuttingDown: () => boolean;
}

/** Whether a request is a question for the query API. */
export function isQueryRequest(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  return request.method === 'POST' && (url === QUERY_PATH || url.startsWith(`${QUERY_PATH}?`));
}

interface Endpoint extends QueryEndpointOptions {
  check: (address: string, authorization: string | undefined) => Caller<string> | Refusal;
  durations: Map<number, { observe(seconds: number): void }>;
  tooLarge: QueryResponse;
  /** Questions read in this turn of the event loop, to be answered together in its check phase. */
  waiting: { exchange: Exchange; query: Query; caller: Caller<string> }[];
}

/** One request to the endpoint, from arrival to answer. */
interface Exchange {
  endpoint: Endpoint;
  request: IncomingMessage;
  response: ServerResponse;
  started: number;
  /** Made when a log line first names the request: below info level, most requests log nothing. */
  requestId?: string;
}

/**
 * `POST /api/v1/query` on node:http itself rather than through Fastify's routing, hooks and
 * serialisation: a cached answer costs a few microseconds, and the framework's share of each request
 * was most of the rest (see BENCHMARKS.md). It keeps everything the framework gave this route:
 * the bearer check and its lock-out, the body limit, JSON parsing, field-level validation, request
 * ids in the logs, the latency histogram, and refusing new work while shutting down.
 */
export function queryEndpoint(options: QueryEndpointOptions) {
  // Valid tokens are never locked out, so a token's length and randomness are what stop guessing.
  for (const { tenant, token } of options.apiTokens)
    if (token.length < MIN_TOKEN_LENGTH)
      options.logger.warn(
        { tenant },
        `an API token is shorter than ${MIN_TOKEN_LENGTH} characters: use a long random one (openssl rand -hex 32)`,
      );
  const endpoint: Endpoint = {
    ...options,
    check: bearerCheck(options.apiTokens, 'DOCENT_API_TOKEN or DOCENT_API_TOKENS', '/api'),
    durations: new Map(),
    tooLarge: {
      status: 413,
      body: { error: 'body_too_large', message: `The body must be at most ${options.bodyLimit} bytes.` },
    },
    waiting: [],
  };
  return function handleQuery(request: IncomingMessage, response: ServerResponse) {
    const exchange: Exchange = {
      endpoint,
      request,
      response,
      started: performance.now(),
    };
    if (endpoint.isShuttingDown())
      return send(exchange, {
        status: 503,
        body: { error: 'shutting_down', message: 'Docent is shutting down; ask again in a moment.' },
      });
    const caller = endpoint.check(request.socket.remoteAddress ?? '', request.headers.authorization);
    if (isRefusal(caller)) return send(exchange, caller);
    const type = mediaType(request.headers['content-type']);
    if (type !== undefined && type !== 'application/json' && type !== 'text/plain')
      return send(exchange, {
        status: 415,
        body: { error: 'unsupported_media_type', message: 'Send the question as application/json.' },
      });
    if (Number(request.headers['content-length'] ?? 0) > endpoint.bodyLimit)
      return send(exchange, endpoint.tooLarge, true);
    readBody(request, endpoint.bodyLimit, (body) => answerBody(exchange, caller, type, body));
  };
}

function answerBody(
  exchange: Exchange,
  caller: Caller<string>,
  type: string | undefined,
  body: Buffer | undefined,
) {
  // The rest of an oversized body is not read: the connection closes after the answer.
  if (body === undefined) return send(exchange, exchange.endpoint.tooLarge, true);
  let value: unknown;
  if (body.length > 0) {
    const text = body.toString('utf8');
    if (type !== 'application/json') value = text;
    else {
      try {
        value = JSON.parse(text);
      } catch (error) {
        return send(exchange, {
          status: 400,
          body: { error: 'invalid_json', message: `The body is not valid JSON: ${(error as Error).message}` },
        });
      }
    }
  }
  const query = validate(querySchema, value);
  if ('invalid' in query) return send(exchange, { status: 400, body: query.invalid });
  answerSoon(exchange, query.data, caller);
}

/**
 * Questions whose bodies arrive in the same turn of the event loop are answered together, in the
 * check phase that follows (setImmediate). Answered one by one, each as soon as its body arrived,
 * a cached answer's path ran between the parsing of one request and the next, cold: about three
 * times the CPU it takes when questions run back to back. And every answer went out on its own,
 * waking the client each time (see BENCHMARKS.md). The wait is one turn of the loop.
 */
function answerSoon(exchange: Exchange, query: Query, caller: Caller<string>): void {
  const { endpoint } = exchange;
  if (endpoint.waiting.length === 0) setImmediate(answerWaiting, endpoint);
  endpoint.waiting.push({ exchange, query, caller });
}

function answerWaiting(endpoint: Endpoint): void {
  const { waiting } = endpoint;
  // The next turn's questions go into a fresh array.
  endpoint.waiting = [];
  for (const { exchange, query, caller } of waiting) answer(exchange, query, caller);
}

function answer(exchange: Exchange, query: Query, caller: Caller<string>): void {
  answerQuery(exchange.endpoint.handleMessage, query, caller).then(
    (reply) => send(exchange, reply),
    (error) => {
      exchange.endpoint.logger.error({ reqId: requestIdOf(exchange), err: error }, 'request failed');
      send(exchange, { status: 500, body: { error: 'error', message: 'internal error' } });
    },
  );
}

function send(exchange: Exchange, reply: QueryResponse, closeConnection = false): void {
  const { endpoint, response } = exchange;
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  };
  // While shutting down, a kept-alive socket would hold the server's close open.
  if (closeConnection || endpoint.isShuttingDown()) headers.connection = 'close';
  response.writeHead(reply.status, headers).end(payload);
  const elapsed = performance.now() - exchange.started;
  let duration = endpoint.durations.get(reply.status);
  if (!duration) {
    duration = endpoint.metrics.httpDuration.labels('POST', QUERY_PATH, String(reply.status));
    endpoint.durations.set(reply.status, duration);
  }
  duration.observe(elapsed / 1000);
  if (endpoint.logger.isLevelEnabled('info'))
    endpoint.logger.info(
      {
        reqId: requestIdOf(exchange),
        req: { method: 'POST', url: QUERY_PATH },
        res: { statusCode: reply.status },
        responseTime: elapsed,
      },
      'request completed',
    );
}

function requestIdOf(exchange: Exchange): string {
  exchange.requestId ??= randomUUID();
  return exchange.requestId;
}

/** `application/json` from `Application/JSON; charset=utf-8`; undefined when none is given. */
function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const end = header.indexOf(';');
  return (end === -1 ? header : header.slice(0, end)).trim().toLowerCase();
}

/** Reads the whole body, or gives undefined as soon as it passes `limit` bytes. */
function readBody(request: IncomingMessage, limit: number, done: (body: Buffer | undefined) => void): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    if (size > limit) return;
    size += chunk.length;
    if (size > limit) done(undefined);
    else if (first === undefined) first = chunk;
    else if (rest === undefined) rest = [first, chunk];
    else rest.push(chunk);
  });
  request.on('end', () => {
    if (size <= limit) done(rest ? Buffer.concat(rest) : (first ?? Buffer.alloc(0)));
  });
}
