import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's priority (nice 10), so where it wants the same core as the main
 * thread, the main thread's short tasks (acknowledgements, cached answers) win. On Linux nice is
 * per thread; elsewhere, or where it is not allowed, the thread keeps the process's priority.
 */
export function lowerThreadPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, 10);
  } catch {}
}
