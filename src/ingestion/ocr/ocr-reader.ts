/** What OCR may do for one document, from OCR_* settings. */
export interface OcrSettings {
  /** Tesseract language codes, each installed as @tesseract.js-data/<code>. */
  languages: string[];
  /** Scanned pages one PDF may have read by OCR; a PDF with more is refused. */
  maxPages: number;
  /** Pixels one image may have (width × height), checked from its header before it is decoded. */
  maxPixels: number;
  /** The most OCR may take on one document, all its pages together. */
  timeoutMs: number;
}

/** Reads the text in an image (PNG, JPEG or PNM bytes) with OCR, within the given deadline (epoch ms). */
export interface OcrReader {
  readonly settings: OcrSettings;
  recognize(image: Uint8Array, deadline: number, fileName: string): Promise<string>;
  close(): Promise<void>;
}
