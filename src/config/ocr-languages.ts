import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

// OCR language data comes from npm packages (@tesseract.js-data/<code>), installed with Docent:
// nothing is downloaded while it runs.

const require = createRequire(import.meta.url);
const LANGUAGE_CODE = /^[a-z]{3}(?:_[a-z]+)?$/;
/** The LSTM-only ("best_int") model: a quarter of the size of the legacy+LSTM data, and what OEM 1 uses. */
const MODEL_DIR = '4.0.0_best_int';

/** The folder holding `<code>.traineddata.gz`, or undefined when that language is not installed. */
export function ocrLanguageDir(code: string): string | undefined {
  if (!LANGUAGE_CODE.test(code)) return undefined;
  try {
    const manifest = require.resolve(`@tesseract.js-data/${code}/package.json`);
    return path.join(path.dirname(manifest), MODEL_DIR);
  } catch {
    return undefined;
  }
}

/** `eng,deu` as a list of language codes, each of which must be installed. */
export function parseOcrLanguages(text: string): { languages: string[]; missing: string[] } {
  const languages = [...new Set(text.split(/[,+\s]+/).filter(Boolean))];
  return { languages, missing: languages.filter((code) => ocrLanguageDir(code) === undefined) };
}

/** `eng,deu`: each language must be installed as @tesseract.js-data/<code>, or Docent does not start. */
export function installedOcrLanguages(text: string, ctx: z.RefinementCtx): string[] {
  const { languages, missing } = parseOcrLanguages(text);
  if (missing.length === 0) return languages;
  ctx.addIssue({
    code: 'custom',
    message: `${missing.map((m) => JSON.stringify(m)).join(', ')} not installed: OCR reads the languages installed as npm packages (npm install @tesseract.js-data/${missing[0]}), or set OCR=false`,
  });
  return z.NEVER;
}
