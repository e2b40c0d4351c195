import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./boot.js', import.meta.url);

/**
 * A worker thread that runs `module` (TypeScript too: the boot file registers the loader first),
 * with `data` as its `workerData`.
 */
export function startThread(
  module: URL,
  data: Record<string, unknown>,
  options: Omit<WorkerOptions, 'workerData'> = {},
): Worker {
  return new Worker(BOOT, { ...options, workerData: { ...data, module: module.href } });
}
