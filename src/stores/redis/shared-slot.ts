import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import type { RedisLink } from './redis-link.js';

/** A turn on a clustered limiter: held until released, refused by its limits, or not to be had now. */
export type SharedSlot =
  | { kind: 'granted'; release: () => void }
  | { kind: 'refused' }
  | { kind: 'unavailable' };

export interface SlotBounds {
  /** How long Redis may take to accept the request before the caller decides without it. */
  acceptWithinMs: number;
  /** Redis frees the slot after this even if its release was lost to an outage. */
  holdAtMostMs: number;
}

/**
 * Waits for a turn on a clustered limiter without ever waiting on a dead Redis: the request must
 * be accepted within `acceptWithinMs`, and losing the link while queued gives up at once. Waiting
 * behind someone else's turn is not bounded; that is the limit working.
 */
export function claimSharedSlot(
  limiter: Bottleneck,
  link: RedisLink,
  bounds: SlotBounds,
): Promise<SharedSlot> {
  const id = randomUUID();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (slot: SharedSlot) => {
      if (settled) return false;
      settled = true;
      clearTimeout(acceptance);
      stopWatching();
      resolve(slot);
      return true;
    };
    const acceptance = setTimeout(() => {
      if (limiter.jobStatus(id) === 'RECEIVED') settle({ kind: 'unavailable' });
    }, bounds.acceptWithinMs);
    const stopWatching = link.onDown(() => settle({ kind: 'unavailable' }));
    limiter
      .schedule(
        { id, expiration: bounds.holdAtMostMs },
        () =>
          new Promise<void>((release) => {
            // A caller that gave up and went local meanwhile hands its turn straight back.
            if (!settle({ kind: 'granted', release: () => release() })) release();
          }),
      )
      .catch((error: unknown) => {
        // Bottleneck's own errors mean the limits dropped the request (queue full); anything
        // else is Redis failing underneath.
        settle(error instanceof Bottleneck.BottleneckError ? { kind: 'refused' } : { kind: 'unavailable' });
      });
  });
}
