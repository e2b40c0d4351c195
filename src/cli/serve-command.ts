import type { FastifyInstance } from 'fastify';
import { createPlatforms, type RunningPlatform } from '../composition/platforms.js';
import { createServices, type Services } from '../composition/services.js';
import type { Config } from '../config.js';
import { createMetrics } from '../http/metrics.js';
import { buildHttpServer } from '../http/server.js';

const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

/**
 * `docent serve`: the HTTP server always, chat platforms when configured. On SIGTERM or SIGINT it
 * stops taking work, lets answers in flight finish (up to SHUTDOWN_TIMEOUT_MS), closes every
 * connection and exits 0.
 */
export async function serveCommand(config: Config): Promise<number> {
  const metrics = createMetrics();
  const services = await createServices(config, {
    command: 'serve',
    // Without Redis this process alone writes the data directory (journal, cached answers).
    claimDataDir: true,
    observers: [metrics.observer],
  });
  const { logger } = services;
  const state = { shuttingDown: false };
  const platforms = await createPlatforms(services);
  for (const p of platforms) services.readiness[p.name] = () => p.ready();
  const plugins = platforms.flatMap((p) => (p.httpPlugin ? [p.httpPlugin] : []));
  const app = await buildHttpServer({ services, metrics, isShuttingDown: () => state.shuttingDown, plugins });
  const address = await app.listen({ port: config.http.port, host: config.http.host });
  for (const p of platforms) {
    // A platform that cannot connect is reported by /readyz; the service keeps serving the rest.
    await p
      .start()
      .catch((error) => logger.error({ err: error, platform: p.name }, 'platform failed to start'));
  }
  logger.info(
    { address, models: config.openai ? [config.llm.cheapModel, config.llm.strongModel] : 'offline' },
    'docent is serving',
  );
  const maintenance = startMaintenance(services);
  await services.scheduleSources();
  return untilStopped({ config, services, platforms, app, maintenance, state });
}

/**
 * Folds new passages into the indexes and compacts old versions while the service runs; the
 * first run, at start, also loads the indexes so the first questions do not wait for the disk.
 */
function startMaintenance(services: Services): NodeJS.Timeout {
  const maintain = () =>
    services.maintain().catch((error) => services.logger.warn({ err: error }, 'index maintenance failed'));
  void maintain();
  const maintenance = setInterval(maintain, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();
  return maintenance;
}

interface Running {
  config: Config;
  services: Services;
  platforms: RunningPlatform[];
  app: FastifyInstance;
  maintenance: NodeJS.Timeout;
  state: { shuttingDown: boolean };
}

/** Resolves with the exit code once a signal has stopped the service. */
function untilStopped({ config, services, platforms, app, maintenance, state }: Running): Promise<number> {
  const { logger } = services;
  return new Promise((resolve) => {
    const shutdown = async (signal: string) => {
      if (state.shuttingDown) return;
      state.shuttingDown = true;
      logger.info({ signal }, 'shutting down: finishing work in flight');
      clearInterval(maintenance);
      const deadline = setTimeout(() => {
        logger.error('shutdown timed out; exiting with work unfinished');
        resolve(1);
      }, config.http.shutdownTimeoutMs);
      try {
        // Stops accepting connections and waits for requests in flight.
        await app.close();
        for (const p of platforms)
          await p
            .stop()
            .catch((error) => logger.warn({ err: error, platform: p.name }, 'platform stop failed'));
        await services.close();
        logger.info('shut down cleanly');
        resolve(0);
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        resolve(1);
      } finally {
        clearTimeout(deadline);
      }
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  });
}
