import { SingleBar } from 'cli-progress';
import type { FileResult } from '../ingestion/ingest-files.js';

export interface IngestReporter {
  onResult(result: FileResult): void;
  /** The closing line: counts, passages and throughput. */
  finish(results: FileResult[]): string;
}

/**
 * A progress bar (files, passages, throughput) on a terminal; elsewhere only failures and one
 * summary line, so logs and scripts stay readable.
 */
export function createIngestReporter(options: {
  interactive: boolean;
  totalFiles: number;
  write: (line: string) => void;
  /** Where the bar is drawn: a terminal. */
  stream?: NodeJS.WritableStream;
}): IngestReporter {
  const started = performance.now();
  let passages = 0;
  let bytes = 0;
  const failures: string[] = [];
  const bar = options.interactive
    ? new SingleBar({
        format:
          'indexing [{bar}] {value}/{total} files | {passages} passages | {rate} MB/s | {eta_formatted} left',
        hideCursor: true,
        clearOnComplete: true,
        stream: options.stream ?? process.stdout,
      })
    : undefined;
  bar?.start(options.totalFiles, 0, { passages: 0, rate: '0.0' });
  const rate = () => (bytes / 1024 / 1024 / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1);
  return {
    onResult(result) {
      if (result.status === 'indexed') passages += result.passages ?? 0;
      bytes += result.bytes ?? 0;
      if (result.status === 'failed') {
        const line = `failed  ${result.error?.message}`;
        if (bar) failures.push(line);
        else options.write(line);
      }
      bar?.increment({ passages, rate: rate() });
    },
    finish(results) {
      bar?.stop();
      for (const line of failures) options.write(line);
      const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
      const seconds = (performance.now() - started) / 1000;
      return (
        `${count('indexed')} indexed, ${count('unchanged')} unchanged, ${count('failed')} failed — ` +
        `${passages} passages, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s (${rate()} MB/s)`
      );
    },
  };
}
