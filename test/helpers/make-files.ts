import JSZip from 'jszip';

/** Builds a small valid PDF with one text line per entry, one page per array. */
export function makePdf(pages: string[][], options: { encrypt?: boolean } = {}): Uint8Array {
  const objects: string[] = [];
  const pageIds: number[] = [];
  const fontId = 3;
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  let next = 4;
  for (const lines of pages) {
    const escaped = lines.map((l) => `(${l.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj T*`).join(' ');
    const content = `BT /F1 11 Tf 14 TL 50 780 Td ${escaped} ET`;
    const contentId = next++;
    const pageId = next++;
    objects[contentId] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`;
    pageIds.push(pageId);
  }
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let encryptRef = '';
  if (options.encrypt) {
    const encryptId = next++;
    // A standard security handler whose owner/user hashes match no password, not even the empty one.
    const hex32 = 'ab'.repeat(32);
    objects[encryptId] = `<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${hex32}> /P -4 >>`;
    encryptRef = ` /Encrypt ${encryptId} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
  }
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = body.length;
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R${encryptRef} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A minimal Word document; paragraphs starting with "# ", "## "… become Heading 1, Heading 2… */
export async function makeDocx(
  paragraphs: string[],
  extra: Record<string, string | Uint8Array> = {},
): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const body = paragraphs
    .map((p) => {
      const level = /^(#{1,6}) /.exec(p)?.[1]?.length;
      return level
        ? `<w:p><w:pPr><w:pStyle w:val="Heading${level}"/></w:pPr><w:r><w:t>${escapeXml(p.slice(level + 1))}</w:t></w:r></w:p>`
        : `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`;
    })
    .join('');
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  for (const [name, content] of Object.entries(extra)) zip.file(name, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A DOCX that carries a huge, highly compressible entry: small on disk, enormous when unpacked. */
export async function makeDocxBomb(): Promise<Uint8Array> {
  return makeDocx(['Looks innocent.'], { 'word/media/padding.xml': new Uint8Array(64 * 1024 * 1024) });
}

/**
 * A DOCX whose word/document.xml really holds `realBytes` of (valid) XML while its ZIP headers,
 * local and central, claim it unpacks to 4 KiB: only counting the inflated bytes catches it.
 */
export async function makeLyingDocx(realBytes: number): Promise<Uint8Array> {
  const padding = `<!-- ${'x'.repeat(realBytes)} -->`;
  const docx = await makeDocx(['Looks innocent.']);
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file('word/document.xml')?.async('string');
  zip.file('word/document.xml', xml?.replace('<w:body>', `<w:body>${padding}`) ?? '');
  const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = 4096;
  for (let at = 0; at + 46 <= bytes.length; at++) {
    const signature = view.getUint32(at, true);
    const name = (offset: number, length: number) =>
      new TextDecoder().decode(bytes.subarray(offset, offset + length));
    if (signature === 0x04034b50 && name(at + 30, view.getUint16(at + 26, true)) === 'word/document.xml')
      view.setUint32(at + 22, declared, true);
    if (signature === 0x02014b50 && name(at + 46, view.getUint16(at + 28, true)) === 'word/document.xml')
      view.setUint32(at + 24, declared, true);
  }
  return bytes;
}
