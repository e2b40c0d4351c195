import { availableParallelism } from 'node:os';

const MIN_CPU_THREADS = 4;

/**
 * Gives LanceDB's CPU thread pool room before LanceDB starts it. LanceDB sizes the pool at the
 * core count minus two kept for I/O, so on a two-core machine it has one thread, and building a
 * full-text index big enough to write its posting lists in more than one batch then waits for
 * itself forever: the producer holds the only thread while the writer waits for one (LanceDB
 * issue 3568). Here it stopped `bench:retrieve` at 0% CPU on its first
 * table of 100,000 realistic passages. Four threads, or one per core on larger machines; a value
 * the operator set is kept.
 */
export function ensureLanceCpuThreads(env: NodeJS.ProcessEnv = process.env): void {
  env.LANCE_CPU_THREADS ??= String(Math.max(MIN_CPU_THREADS, availableParallelism()));
}
