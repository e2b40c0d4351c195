import type { Throttle } from '../../core/ports/throttle.js';

/** No limits: the default until limits are configured. */
export class UnlimitedThrottle implements Throttle {
  async run<T>(_key: string, task: () => Promise<T>, admitted?: () => Promise<void>) {
    await admitted?.();
    return { ok: true as const, value: await task() };
  }
}
