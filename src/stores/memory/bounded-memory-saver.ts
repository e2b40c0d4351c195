import type { RunnableConfig } from '@langchain/core/runnables';
import { type Checkpoint, type CheckpointMetadata, MemorySaver } from '@langchain/langgraph';
import { LRUCache } from 'lru-cache';

/**
 * LangGraph's in-memory checkpointer keeps every thread forever; a bot that lives for weeks in
 * a busy workspace would grow without limit. This one forgets the least recently used threads.
 */
export class BoundedMemorySaver extends MemorySaver {
  private readonly recent: LRUCache<string, true>;

  constructor(maxThreads: number) {
    super();
    this.recent = new LRUCache({
      max: maxThreads,
      dispose: (_, threadId, reason) => {
        if (reason === 'evict') void this.deleteThread(threadId);
      },
    });
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    this.recent.set(String(config.configurable?.thread_id ?? ''), true);
    return super.put(config, checkpoint, metadata);
  }
}
