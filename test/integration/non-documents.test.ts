import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/core/errors.js';
import { prepareDocument } from '../../src/ingestion/prepare.js';
import { isMostlyEncoded, splitText } from '../../src/ingestion/split.js';
import { bytesOf, tempLanceKnowledgeBase } from '../helpers/temp-kb.js';

type Ctx = Awaited<ReturnType<typeof tempLanceKnowledgeBase>>;
const chunking = { size: 500, overlap: 50 };
const base64 = (bytes: number) => randomBytes(bytes).toString('base64');

const SVG =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: drawing app -->\n' +
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#eee"/>' +
  '<text x="10" y="25">Deploy flow</text></svg>';
const DRAWIO = `<mxfile host="app.diagrams.net"><diagram id="a" name="Page-1">${base64(3000)}</diagram></mxfile>`;

async function refusal(text: string, name: string): Promise<IngestError> {
  try {
    await prepareDocument(new TextEncoder().encode(text), name, chunking);
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error(`${name} was accepted`);
}

describe('files that are not documents', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    ctx = await tempLanceKnowledgeBase();
  });
  afterEach(async () => ctx.cleanup());

  it('refuses an SVG image in one sentence, by its name or by its content, and stores nothing', async () => {
    for (const name of ['flow.svg', 'flow.txt', 'flow']) {
      const err = await refusal(SVG, name);
      expect(err.code).toBe('unsupported_type');
      expect(err.message).toBe(`${name}: an SVG image, which is drawing markup with no document text.`);
    }
    await expect(
      ctx.kb.ingest({ tenantId: 'acme', scope: 'tenant', source: 'flow.svg', fetchData: bytesOf(SVG) }),
    ).rejects.toThrow('flow.svg: an SVG image');
    expect(await ctx.kb.listDocuments('acme')).toEqual([]);
    expect(ctx.embedder.embedded).toBe(0);
  });

  it('refuses a draw.io diagram and says how to index its labels', async () => {
    for (const name of ['arch.drawio', 'arch.xml']) {
      const err = await refusal(DRAWIO, name);
      expect(err.code).toBe('unsupported_type');
      expect(err.message).toBe(
        `${name}: a draw.io diagram, whose labels are stored encoded; export it as PDF to index them.`,
      );
    }
  });

  it('keeps the text of a page and drops the passage that is an encoded blob', async () => {
    const page = `# Logo\n\nThe logo is attached below as base64.\n\n${base64(1500)}\n\n## Usage\n\nUse the logo on slides only.`;
    const passages = await splitText(page, true, chunking);
    expect(passages.join('\n')).toContain('Use the logo on slides only.');
    expect(passages.some(isMostlyEncoded)).toBe(false);
    expect(passages.join('\n')).not.toMatch(/[A-Za-z0-9+/]{200}/);
  });

  it('refuses a file that holds nothing but encoded data', async () => {
    const err = await refusal(base64(6000), 'export.txt');
    expect(err.code).toBe('no_text');
    expect(err.message).toBe('export.txt: no text to index, only encoded data (such as base64).');
  });

  it('does not mistake prose, code or a key fingerprint for encoded data', () => {
    expect(isMostlyEncoded('Two collaborators must approve a pull request before it lands.')).toBe(false);
    expect(isMostlyEncoded('gpg --recv-keys C82FA3AE1CBEDC6BE46B9360C43CEC45C17AB93C # Richard Lau')).toBe(
      false,
    );
    expect(isMostlyEncoded(`avatar: ${base64(300)}`)).toBe(true);
  });
});
