import { describeError, IngestError } from '../core/errors.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Scope } from '../core/types.js';
import { type LocalFile, readLocalFile } from './local-files.js';

export interface FileResult {
  source: string;
  status: 'indexed' | 'unchanged' | 'failed';
  doc_id?: string;
  passages?: number;
  bytes?: number;
  error?: { code: string; message: string };
}

// Enough files in flight that many finish while a commit runs and go into the next one together
// (a commit costs about the same for one document as for thirty); their bytes are bounded below.
const DEFAULT_CONCURRENCY = 48;
// Files in flight hold at most this much between them; a file larger than this goes alone.
const BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/** Bytes held by files in flight: a read waits while the others hold too much. */
class ByteBudget {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async reserve(bytes: number): Promise<void> {
    while (this.used > 0 && this.used + bytes > this.limit)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Ingests local files with bounded concurrency; one file's failure never stops the others. */
export async function ingestFiles(
  kb: KnowledgeBase,
  files: LocalFile[],
  options: { tenantId: string; scope: Scope; concurrency?: number; onResult?: (result: FileResult) => void },
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  const budget = new ByteBudget(BYTES_IN_FLIGHT);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as LocalFile;
      let result: FileResult;
      let reserved = 0;
      try {
        let size = 0;
        const read = readLocalFile(file, async (bytes) => {
          await budget.reserve(bytes);
          reserved = bytes;
        });
        const outcome = await kb.ingest({
          tenantId: options.tenantId,
          scope: options.scope,
          source: file.source,
          fetchData: async (max) => {
            const bytes = await read(max);
            size = bytes.length;
            return bytes;
          },
        });
        const { docId, passages } = outcome.document;
        result = { source: file.source, status: outcome.status, doc_id: docId, passages, bytes: size };
      } catch (err) {
        result = failedFile(file.source, err);
      } finally {
        budget.release(reserved);
      }
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, files.length) }, worker),
  );
  return results;
}

export function failedFile(source: string, err: unknown): FileResult {
  const code = err instanceof IngestError ? err.code : 'internal';
  return { source, status: 'failed', error: { code, message: describeError(err) } };
}
