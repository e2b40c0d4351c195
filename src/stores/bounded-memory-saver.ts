import type { RunnableConfig } from '@langchain/core/runnables';
import { type Checkpoint, type CheckpointMetadata, MemorySaver } from '@langchain/langgraph';
import { trimOldest } from './trim-oldest.js';

/**
 * LangGraph's in-memory checkpointer keeps every thread forever; a bot that lives for weeks in
 * a busy workspace would grow without limit. This one forgets the least recently used threads.
 */
export class BoundedMemorySaver extends MemorySaver {
  private readonly recent = new Map<string, true>();

  constructor(private readonly maxThreads: number) {
    super();
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    const threadId = String(config.configurable?.thread_id ?? '');
    this.recent.delete(threadId);
    this.recent.set(threadId, true);
    for (const oldest of trimOldest(this.recent, this.maxThreads)) await this.deleteThread(oldest);
    return super.put(config, checkpoint, metadata);
  }
}
