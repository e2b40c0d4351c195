import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from '../main.js';
import type { Metrics } from './metrics.js';
import { isQueryRequest, queryEndpoint } from './query/query-endpoint.js';
import { adminRoutes } from './routes/admin.js';
import { healthRoutes } from './routes/health.js';

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

/**
 * Health, metrics, the query API and the admin API on one server. Fastify serves every route but
 * the query API, which node:http hands straight to its own endpoint: it is the one route under
 * load, and the one where the framework's per-request cost was most of the total.
 */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const isShuttingDown = options.isShuttingDown ?? (() => false);
  const handleQuery = queryEndpoint({
    handleMessage: services.handleMessage,
    apiTokens: services.config.http.apiTokens,
    bodyLimit: JSON_BODY_LIMIT,
    logger: services.logger,
    metrics,
    isShuttingDown,
  });
  const requestTimeout = services.config.http.requestTimeoutMs;
  const app = Fastify({
    serverFactory: (fastifyHandler, settings) => {
      // A request must arrive whole within the timeout, or node:http answers 408 and closes the
      // socket: a client trickling its body (to /slack/events, before any signature is checked)
      // cannot hold connections open. Time spent answering is not counted. Node looks for late
      // requests every `connectionsCheckingInterval`, so that is kept well under the timeout.
      const server = createServer(
        {
          requestTimeout,
          headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
          connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(requestTimeout / 4))),
        },
        (request, response) =>
          isQueryRequest(request) ? handleQuery(request, response) : fastifyHandler(request, response),
      );
      // Fastify's idle keep-alive (72 s) outlasts the usual load balancer's 60 s, so the balancer
      // closes idle connections first and never sends a request onto one being closed here.
      server.keepAliveTimeout = settings.keepAliveTimeout as number;
      server.setTimeout(settings.connectionTimeout as number);
      return server;
    },
    // Request ids tie log lines together; bodies and headers (tokens) are never logged.
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
  });
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
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    const message = status === 500 ? 'internal error' : error.message;
    return reply.code(status).send({ error: error.code ?? 'error', message });
  });
  await app.register(healthRoutes, {
    readiness: services.readiness,
    metrics,
    isShuttingDown,
  });
  await app.register(adminRoutes, { services });
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}
