import type { RunnableConfig } from '@langchain/core/runnables';
import type { Checkpoint, CheckpointMetadata, CheckpointTuple } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import { BoundedMemorySaver } from '../memory/bounded-memory-saver.js';
import { withTimeout } from '../with-timeout.js';

type Stored = [Uint8Array, Uint8Array, string | undefined];

export interface RedisThreadSaverOptions {
  ttlSeconds: number;
  timeoutMs: number;
  onError?: (error: unknown) => void;
}

// A turn only needs the thread's latest state; older checkpoints are kept in memory, not shipped.
const KEPT_CHECKPOINTS = 2;

/**
 * Thread memory shared by every instance: each turn loads the thread's latest checkpoints from
 * Redis before running and saves them after, so the next turn may land on any instance. The
 * in-memory saver underneath does the LangGraph bookkeeping. Redis being down costs at most the
 * timeout and leaves the thread with what this instance remembers.
 */
export class RedisThreadSaver extends BoundedMemorySaver {
  constructor(
    private readonly redis: Redis,
    maxThreads: number,
    private readonly options: RedisThreadSaverOptions,
  ) {
    super(maxThreads);
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId !== undefined && !config.configurable?.checkpoint_id) await this.load(threadId);
    return super.getTuple(config);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    const saved = await super.put(config, checkpoint, metadata);
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId !== undefined) await this.save(threadId);
    return saved;
  }

  private async load(threadId: string): Promise<void> {
    const raw = await this.bounded(() => this.redis.get(key(threadId)));
    if (!raw) return;
    const namespaces = JSON.parse(raw) as Record<string, Record<string, [string, string, string | null]>>;
    const restored: Record<string, Record<string, Stored>> = {};
    for (const [ns, checkpoints] of Object.entries(namespaces)) {
      restored[ns] = {};
      for (const [id, [checkpoint, metadata, parent]] of Object.entries(checkpoints)) {
        restored[ns][id] = [
          Buffer.from(checkpoint, 'base64'),
          Buffer.from(metadata, 'base64'),
          parent ?? undefined,
        ];
      }
    }
    this.storage[threadId] = restored;
  }

  private async save(threadId: string): Promise<void> {
    const namespaces = this.storage[threadId] ?? {};
    const payload: Record<string, Record<string, [string, string, string | null]>> = {};
    for (const [ns, checkpoints] of Object.entries(namespaces)) {
      payload[ns] = {};
      for (const id of Object.keys(checkpoints).sort().slice(-KEPT_CHECKPOINTS)) {
        const [checkpoint, metadata, parent] = checkpoints[id] as Stored;
        payload[ns][id] = [
          Buffer.from(checkpoint).toString('base64'),
          Buffer.from(metadata).toString('base64'),
          parent ?? null,
        ];
      }
    }
    await this.bounded(() =>
      this.redis.set(key(threadId), JSON.stringify(payload), 'EX', this.options.ttlSeconds),
    );
  }

  private bounded<T>(call: () => Promise<T>): Promise<T | undefined> {
    return withTimeout(call, this.options.timeoutMs, this.options.onError);
  }
}

const key = (threadId: string) => `docent:thread:${threadId}`;
