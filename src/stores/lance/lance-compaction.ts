import type * as lancedb from '@lancedb/lancedb';

// Old versions are kept this long so readers in other processes can finish their queries.
export const KEEP_VERSIONS_MS = 10 * 60_000;
// Every commit adds a fragment, and every scan of the table pays for each one: the lookup of a
// commit's records took ~120 ms over 300 fragments, 10-15 ms over at most 32, and made a 5,000-page
// first sync superlinear. Rewriting the table every this many commits costs less than the scans it
// saves (each commit's lookup already reads the key column of every row).
const COMMITS_BETWEEN_COMPACTIONS = 32;

/**
 * Compacts a table's small fragments into one while writes stream in, so a long bulk ingestion
 * does not slow as it goes; maintain() compacts at intervals as well, but not during a sync.
 * Only for a table without indexes: optimize() also folds new rows into existing indexes.
 */
export class CommitCompaction {
  private commits = 0;

  constructor(private readonly table: lancedb.Table) {}

  /** Runs inside the write queue, after a commit. Never fails: the commit has already happened. */
  async committed(): Promise<void> {
    if (++this.commits < COMMITS_BETWEEN_COMPACTIONS) return;
    this.commits = 0;
    try {
      // Compacting from a version behind other processes' commits conflicts with them.
      await this.table.checkoutLatest();
      await this.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
    } catch {
      // Another instance compacting or writing at once: the next interval or maintain() does it.
    }
  }
}
