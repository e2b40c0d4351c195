import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../ingestion/ingest-files.js';
import { collectFiles } from '../ingestion/local-files.js';
import type { Services } from '../main.js';
import { chatCommand } from './chat-command.js';
import { createIngestReporter } from './ingest-progress.js';

// The package's samples folder: two levels up from the sources (src/cli), three from dist/src/cli.
const besideSources = new URL('../../samples/northwind', import.meta.url);
export const SAMPLE_DIR = fileURLToPath(
  existsSync(besideSources) ? besideSources : new URL('../../../samples/northwind', import.meta.url),
);

const EXAMPLES = [
  'How many days of paid annual leave does a full-time employee get?',
  'and how do I request it?',
  'How do I connect to the VPN?',
];

/** Loads the bundled sample knowledge base (once) into the demo's own data directory, then chats. */
export async function demoCommand(services: Services, options: { tenant: string }): Promise<number> {
  const existing = await services.knowledgeBase.listDocuments(options.tenant);
  if (existing.length === 0) {
    process.stdout.write('Loading the sample knowledge base of Northwind Labs, an invented company…\n');
    const { files } = await collectFiles([SAMPLE_DIR]);
    const reporter = createIngestReporter({
      interactive: process.stdout.isTTY === true,
      totalFiles: files.length,
      write: (line) => process.stdout.write(`${line}\n`),
    });
    const results = await ingestFiles(services.knowledgeBase, files, {
      tenantId: options.tenant,
      scope: 'tenant',
      onResult: reporter.onResult,
    });
    await services.knowledgeBase.maintain();
    process.stdout.write(`${reporter.finish(results)}\n`);
  }
  const documents = (await services.knowledgeBase.listDocuments(options.tenant)).length;
  const greeting = [
    `Docent is ready with ${documents} documents of Northwind Labs (kept in ${services.config.dataDir}).`,
    'Try:',
    ...EXAMPLES.map((q) => `  ${q}`),
    'Commands: /files <path>, /sources, /new, /quit.',
  ].join('\n');
  return chatCommand(services, { tenant: options.tenant, greeting });
}
