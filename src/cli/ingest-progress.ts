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
  /** Milliseconds, for the elapsed time and the rate. */
  now?: () => number;
}): IngestReporter {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let passages = 0;
  let bytes = 0;
  const failures: string[] = [];
  const bar = options.interactive
    ? new SingleBar({
        format:
          'indexing [{bar}] {value}/{total} files | {passages} passages | {rate} | {eta_formatted} left',
        hideCursor: true,
        clearOnComplete: true,
        stream: options.stream ?? process.stdout,
      })
    : undefined;
  const seconds = () => (now() - started) / 1000;
  const rate = () => `${formatBytes(bytes / Math.max(0.001, seconds()))}/s`;
  bar?.start(options.totalFiles, 0, { passages: 0, rate: rate() });
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
      const elapsed = seconds();
      // Over a fraction of a second the rate says more about start-up than about throughput.
      const throughput = bytes > 0 && elapsed >= MIN_SECONDS_FOR_RATE ? ` (${rate()})` : '';
      return (
        `${count('indexed')} indexed, ${count('unchanged')} unchanged, ${count('failed')} failed — ` +
        `${passages} passage${passages === 1 ? '' : 's'}, ${formatBytes(bytes)} in ${elapsed.toFixed(1)} s${throughput}`
      );
    },
  };
}

const MIN_SECONDS_FOR_RATE = 0.5;

/** Bytes in the unit that keeps a figure readable: bytes, KB below a megabyte, then MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
