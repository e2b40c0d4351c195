import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker as NodeWorker } from 'node:worker_threads';
import type Tesseract from 'tesseract.js';
import { ocrLanguageDir } from '../../config/ocr-languages.js';
import { IngestError } from '../../core/errors.js';
import type { OcrReader, OcrSettings } from './ocr-reader.js';

/** A worker unused this long is ended: it holds its language models (about 100 MB) in memory. */
const IDLE_MS = 60_000;
/** Tesseract's OEM 1: the LSTM recogniser alone, which the best_int language data is made for. */
const LSTM_ONLY = 1;

type TesseractWorker = Tesseract.Worker & { worker?: NodeWorker };

/**
 * OCR with tesseract.js: one worker (its own thread, running Tesseract's WebAssembly), created on
 * the first image, reused for the next, ended when idle or when a document runs out of time. The
 * language data is read from the installed @tesseract.js-data packages and never cached to disk.
 */
export class TesseractOcr implements OcrReader {
  private worker?: Promise<TesseractWorker>;
  private idleTimer?: NodeJS.Timeout;
  private busy = 0;
  private linkedFolder?: string;

  constructor(readonly settings: OcrSettings) {}

  async recognize(image: Uint8Array, deadline: number, fileName: string): Promise<string> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw outOfTime(fileName, this.settings);
    this.busy++;
    clearTimeout(this.idleTimer);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(outOfTime(fileName, this.settings)), remaining);
    });
    try {
      this.worker ??= this.startWorker();
      const worker = await Promise.race([this.worker, timedOut]);
      worker.worker?.ref();
      const result = await Promise.race([worker.recognize(Buffer.from(image)), timedOut]);
      return result.data.text;
    } catch (error) {
      // A recognition cannot be cancelled: past the deadline the worker is ended (and with it any
      // other document's image it had queued), and the next image starts another.
      if (error instanceof IngestError) {
        await this.stopWorker();
        throw error;
      }
      throw new IngestError('unreadable', `${fileName}: OCR could not read the image.`, { cause: error });
    } finally {
      clearTimeout(timer);
      this.busy--;
      if (this.busy === 0) this.idle();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.stopWorker();
    if (this.linkedFolder) await rm(this.linkedFolder, { recursive: true, force: true });
  }

  private startWorker(): Promise<TesseractWorker> {
    const started = (async () => {
      const langPath = await this.languageFolder();
      // Loaded on first use: a process that never meets a scan never loads it.
      const { createWorker } = (await import('tesseract.js')).default;
      return (await createWorker(this.settings.languages, LSTM_ONLY, {
        langPath,
        cacheMethod: 'none',
        gzip: true,
        // Without a handler, a failed job is thrown from the message listener and ends the thread.
        errorHandler: () => {},
      })) as TesseractWorker;
    })();
    started.catch(() => {
      if (this.worker === started) this.worker = undefined;
    });
    return started;
  }

  /**
   * tesseract.js reads every language from one folder, and each language package has its own: for
   * several, a temporary folder links to each package's file (nothing is copied or fetched).
   */
  private async languageFolder(): Promise<string> {
    const dirs = this.settings.languages.map((code) => {
      const dir = ocrLanguageDir(code);
      if (!dir) throw new Error(`OCR language "${code}" is not installed (@tesseract.js-data/${code})`);
      return { code, dir };
    });
    const [only, ...others] = dirs;
    if (only && others.length === 0) return only.dir;
    this.linkedFolder ??= await mkdtemp(path.join(tmpdir(), 'docent-ocr-'));
    for (const { code, dir } of dirs) {
      const file = `${code}.traineddata.gz`;
      await symlink(path.join(dir, file), path.join(this.linkedFolder, file)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        },
      );
    }
    return this.linkedFolder;
  }

  private idle(): void {
    void this.worker?.then((w) => w.worker?.unref()).catch(() => {});
    this.idleTimer = setTimeout(() => void this.stopWorker(), IDLE_MS);
    this.idleTimer.unref();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.then((w) => w.terminate()).catch(() => {});
  }
}

function outOfTime(fileName: string, settings: OcrSettings): IngestError {
  return new IngestError(
    'too_large',
    `${fileName}: refused, reading it with OCR took longer than ${Math.round(settings.timeoutMs / 1000)} s (OCR_TIMEOUT_MS); split it into smaller files.`,
  );
}
