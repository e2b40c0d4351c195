import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Scope } from '../core/types.js';
import { describeError, IngestError } from '../errors.js';
import { type LocalFile, readLocalFile } from './local-files.js';

export interface FileResult {
  source: string;
  status: 'indexed' | 'unchanged' | 'failed';
  doc_id?: string;
  passages?: number;
  bytes?: number;
  error?: { code: string; message: string };
}

// Enough files in flight that one's extraction overlaps another's commit, so commits batch up.
const DEFAULT_CONCURRENCY = 16;

/** Ingests local files with bounded concurrency; one file's failure never stops the others. */
export async function ingestFiles(
  kb: KnowledgeBase,
  files: LocalFile[],
  options: { tenantId: string; scope: Scope; concurrency?: number; onResult?: (result: FileResult) => void },
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as LocalFile;
      let result: FileResult;
      try {
        let size = 0;
        const read = readLocalFile(file);
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
