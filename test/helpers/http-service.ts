import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildHttpServer } from '../../src/http/server.js';

export interface RunningService {
  url: string;
  app: FastifyInstance;
  services: Services;
  dir: string;
  stop(): Promise<void>;
}

/** The HTTP service in this process on a free port, with its own data directory. */
export async function startHttpService(
  env: Record<string, string> = {},
  options: { isShuttingDown?: () => boolean } = {},
): Promise<RunningService> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-http-'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ...env });
  const metrics = createMetrics();
  const services = await createServices(config, { observers: [metrics.observer] });
  const app = await buildHttpServer({ services, metrics, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    services,
    dir,
    async stop() {
      await app.close();
      await services.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
