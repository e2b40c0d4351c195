import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';

export interface HealthOptions {
  readiness: Record<string, () => Promise<void>>;
  metrics: Metrics;
  isShuttingDown: () => boolean;
}

const CHECK_TIMEOUT_MS = 2000;

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(
                () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
                CHECK_TIMEOUT_MS,
              ).unref(),
            ),
          ]);
          checks[name] = 'ok';
        } catch (error) {
          checks[name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    if (options.isShuttingDown()) checks.shutdown = 'shutting down';
    const failing = Object.keys(checks).filter((k) => checks[k] !== 'ok');
    return reply.code(failing.length ? 503 : 200).send({ ready: failing.length === 0, failing, checks });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}
