import type { Services } from '../composition/services.js';
import { type DocumentOrigin, documentView, isOperatorOrigin } from '../core/types.js';
import { printJson } from './output.js';

export async function listDocsCommand(
  services: Services,
  options: { tenant: string; json?: boolean },
): Promise<number> {
  const docs = await services.knowledgeBase.listDocuments(options.tenant);
  if (options.json) {
    printJson(docs.map(documentView));
    return 0;
  }
  if (docs.length === 0) process.stdout.write('No documents yet. Add some with: npx docent ingest ./docs\n');
  for (const d of docs)
    process.stdout.write(
      `${d.docId}  ${String(d.passages).padStart(5)} passages  ${d.updatedAt}  ${d.source}  ${describeOrigin(d.origin)}\n`,
    );
  return 0;
}

/** `added by U123 in C456 (slack)`; the operator's documents: `added by cli in docs/a.md`. */
function describeOrigin(origin: DocumentOrigin): string {
  const platform = isOperatorOrigin(origin) ? '' : ` (${origin.platform})`;
  return `added by ${origin.addedBy} in ${origin.addedIn}${platform}`;
}

export async function removeDocsCommand(
  services: Services,
  docIds: string[],
  options: { tenant: string; json?: boolean },
): Promise<number> {
  const results = [];
  for (const docId of docIds) {
    const removed = await services.knowledgeBase.removeDocument(options.tenant, docId);
    results.push({ doc_id: docId, removed: removed !== undefined, source: removed?.source });
    if (!options.json)
      process.stdout.write(removed ? `removed ${docId} (${removed.source})\n` : `not found: ${docId}\n`);
  }
  if (options.json) printJson(results);
  return results.every((r) => r.removed) ? 0 : 1;
}
