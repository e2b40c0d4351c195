import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';

export interface RedisLinkMessages {
  /** Logged (warn) once each time the link goes down. */
  down: string;
  /** Logged (info) once each time the link comes back after being down. */
  back: string;
}

/**
 * Whether every connection a shared feature needs is usable right now, from ioredis' own events.
 * Callers read `up` before each use, so a dead Redis costs nothing per call; listeners hear each
 * loss so work waiting on Redis can move elsewhere. Each outage is logged once, however many
 * reconnection attempts fail during it.
 */
export class RedisLink {
  private isUp = false;
  private isSetUp = false;
  private stopped = false;
  private wentDown = false;
  private readonly downListeners = new Set<() => void>();

  constructor(
    private readonly connections: Redis[],
    /** Resolves once the feature has set itself up on the connections (scripts loaded). */
    setUp: Promise<unknown>,
    private readonly logger: Logger,
    private readonly messages: RedisLinkMessages,
  ) {
    const onReady = () => this.update(false);
    const onTrouble = () => this.update(true);
    for (const connection of connections) {
      connection.on('ready', onReady);
      connection.on('close', onTrouble);
      connection.on('error', onTrouble);
    }
    void setUp.then(() => {
      this.isSetUp = true;
      this.update(false);
    });
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Calls `listener` each time the link goes down; returns the unsubscribe function. */
  onDown(listener: () => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  /** Stops reporting: closing the connections on purpose is no outage. */
  stop() {
    this.stopped = true;
    this.isUp = false;
    this.downListeners.clear();
  }

  private update(trouble: boolean) {
    if (this.stopped) return;
    const up = this.isSetUp && this.connections.every((c) => c.status === 'ready');
    if (up && !this.isUp) {
      this.isUp = true;
      if (this.wentDown) this.logger.info(this.messages.back);
      this.wentDown = false;
    } else if (!up && (this.isUp || trouble)) {
      const wasUp = this.isUp;
      this.isUp = false;
      // One line per outage, however many reconnection attempts fail during it; a Redis that is
      // down from the start is an outage too.
      if (!this.wentDown) this.logger.warn(this.messages.down);
      this.wentDown = true;
      if (wasUp) for (const listener of [...this.downListeners]) listener();
    }
  }
}
