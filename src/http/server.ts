import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from '../main.js';
import type { Metrics } from './metrics.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';

export interface HttpServerOptions {
  services: Services;
  metrics: Metrics;
  isShuttingDown?: () => boolean;
  /** Extra route plugins, such as Slack's HTTP events endpoint. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

const JSON_BODY_LIMIT = 64 * 1024;

/** Health, metrics, the query API and the admin API on one Fastify instance. */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const app = Fastify({
    // Request ids tie log lines together; bodies and headers (tokens) are never logged.
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
  });
  const isShuttingDown = options.isShuttingDown ?? (() => false);
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
    isShuttingDown: options.isShuttingDown ?? (() => false),
  });
  await app.register(apiRoutes, { services });
  await app.register(adminRoutes, { services });
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}
