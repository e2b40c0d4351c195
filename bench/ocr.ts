// OCR speed and memory on generated scans: text drawn in the tests' pixel font, as PNGs and as an
// image-only PDF, read through extraction with one Tesseract worker (as one ingestion thread has).
import { extractDocument } from '../src/ingestion/extract.js';
import { TesseractOcr } from '../src/ingestion/ocr/tesseract-ocr.js';
import { scannedPdf, scannedPng } from '../test/helpers/scanned-files.js';

const LINES = [
  'BACKUPS RUN EVERY NIGHT AT 02:00 UTC.',
  'RESTORE TESTS HAPPEN ON THE FIRST MONDAY.',
  'THE ON-CALL ENGINEER OWNS THE RUNBOOK.',
  'ESCALATE TO THE DATABASE TEAM AFTER 30 MINUTES.',
  'KEEP SNAPSHOTS FOR 35 DAYS.',
];
const PAGES = 8;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

const ocr = new TesseractOcr({ languages: ['eng'], maxPages: 100, maxPixels: 25e6, timeoutMs: 600_000 });
const rssBefore = process.memoryUsage().rss;
let started = performance.now();
await extractDocument(scannedPng(LINES), 'warm-up.png', undefined, ocr);
const firstMs = performance.now() - started;
const rssWorker = process.memoryUsage().rss;

started = performance.now();
for (let i = 0; i < PAGES; i++) await extractDocument(scannedPng(LINES), `page-${i}.png`, undefined, ocr);
const pngRate = PAGES / ((performance.now() - started) / 1000);

const pdf = scannedPdf(Array.from({ length: PAGES }, () => LINES));
started = performance.now();
const { text } = await extractDocument(pdf, 'scan.pdf', undefined, ocr);
const pdfRate = PAGES / ((performance.now() - started) / 1000);
const rssPeak = process.memoryUsage().rss;
await ocr.close();

const words = LINES.join(' ').split(/\s+/);
const found = words.filter((w) => text.includes(w)).length;
console.log(`page: ${LINES.length} lines, ${scannedPng(LINES).length} bytes PNG; PDF of ${PAGES} such pages`);
console.log(`first image (worker start + language load): ${Math.round(firstMs)} ms`);
console.log(`PNG: ${pngRate.toFixed(2)} pages/s; image-only PDF: ${pdfRate.toFixed(2)} pages/s`);
console.log(`words read right on the PDF: ${found}/${words.length}`);
console.log(`RSS: ${mb(rssBefore)} before, ${mb(rssWorker)} with the worker, ${mb(rssPeak)} after the PDF`);
