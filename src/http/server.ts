import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ZodError } from 'zod';
import type { Services } from '../composition/services.js';
import type { Metrics } from './metrics.js';
import { adminRoutes } from './routes/admin.js';
import { adminTraceRoutes } from './routes/admin-traces.js';
import { consoleRoutes } from './routes/console.js';
import { healthRoutes } from './routes/health.js';
import { mcpRoutes } from './routes/mcp.js';
import { queryRoutes } from './routes/query.js';
import { invalidRequest, zodValidator } from './validation.js';

export interface HttpServerOptions {
  services: Services;
  metrics: Metrics;
  isShuttingDown?: () => boolean;
  /** Extra route plugins, such as Slack's HTTP events endpoint. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

const JSON_BODY_LIMIT = 64 * 1024;
// Headers are a few kilobytes: a client that needs longer to send them is holding a socket open.
const HEADERS_TIMEOUT_MS = 10_000;

/** Fastify's refusals of a request's body, in the API's own words. */
const BODY_ERRORS: Record<string, { error: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    error: 'body_too_large',
    message: `The body must be at most ${JSON_BODY_LIMIT} bytes.`,
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { error: 'invalid_json', message: 'The body is not valid JSON: it is empty.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: 'unsupported_media_type',
    message: 'Send the question as application/json.',
  },
};

/** Health, metrics, the query API and the admin API on one server. */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const isShuttingDown = options.isShuttingDown ?? (() => false);
  const requestTimeout = services.config.http.requestTimeoutMs;
  const app = Fastify({
    // A request must arrive whole within the timeout, or node:http answers 408 and closes the
    // socket: a client trickling its body (to /slack/events, before any signature is checked)
    // cannot hold connections open. Time spent answering is not counted. Node looks for late
    // requests every `connectionsCheckingInterval`, so that is kept well under the timeout.
    requestTimeout,
    http: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(requestTimeout / 4))),
    },
    // Request ids tie log lines together; bodies and headers (tokens) are never logged.
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(zodValidator);
  // During shutdown, responses close their connection: a kept-alive socket would hold close() open.
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isShuttingDown()) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.setErrorHandler(replyToError);
  await app.register(healthRoutes, {
    readiness: services.readiness,
    metrics,
    isShuttingDown,
  });
  await app.register(queryRoutes, {
    handleMessage: services.handleMessage,
    apiTokens: services.config.http.apiTokens,
    isShuttingDown,
  });
  await app.register(mcpRoutes, {
    deps: services,
    apiTokens: services.config.http.apiTokens,
    isShuttingDown,
  });
  await app.register(adminRoutes, { services });
  await app.register(adminTraceRoutes, { services });
  await app.register(consoleRoutes);
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}

function replyToError(
  error: { statusCode?: number; code?: string; message: string },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  // A zod schema on a route turned the request down (see zodValidator).
  if (error.code === 'FST_ERR_VALIDATION' && error instanceof ZodError)
    return reply.code(400).send(invalidRequest(error));
  const known = error.code && BODY_ERRORS[error.code];
  if (known) return reply.code(error.statusCode ?? 400).send(known);
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'request failed');
  const message = status === 500 ? 'internal error' : error.message;
  return reply.code(status).send({ error: error.code ?? 'error', message });
}
