import { existsSync } from 'node:fs';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// Only for the TypeScript sources (tests run them through vitest): registers tsx in the thread,
// then runs the module. Compiled code in dist/ never reaches it.
const TYPESCRIPT_BOOT = new URL('./boot.js', import.meta.url);

/**
 * A worker thread that runs `module`, with `data` as its `workerData`. `module` names the
 * compiled .js file; beside the sources, where only the .ts file exists, that file runs instead.
 */
export function startThread(
  module: URL,
  data: Record<string, unknown>,
  options: Omit<WorkerOptions, 'workerData'> = {},
): Worker {
  const source = typescriptSource(module);
  if (!source) return new Worker(module, { ...options, workerData: data });
  return new Worker(TYPESCRIPT_BOOT, { ...options, workerData: { ...data, module: source.href } });
}

function typescriptSource(module: URL): URL | undefined {
  if (module.pathname.endsWith('.ts')) return module;
  if (existsSync(module)) return undefined;
  return new URL(module.href.replace(/\.js$/, '.ts'));
}
