import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../composition/services.js';
import type { Config } from '../config.js';
import { ingestFiles } from '../ingestion/ingest-files.js';
import { collectFiles } from '../ingestion/local-files.js';
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

/**
 * The demo is a sandbox: every run starts from the bundled sample in a temporary data directory,
 * removed when it ends, so files added with /files are gone next time and the operator's own
 * knowledge base (local, on object storage or behind Redis) is never read or written.
 */
export async function inDemoDataDir(work: (adjust: (config: Config) => Config) => Promise<void>) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'docent-demo-'));
  try {
    await work((config) => ({
      ...config,
      dataDir,
      lancedbUri: path.join(dataDir, 'lancedb'),
      lancedbStorageOptions: undefined,
      redisUrl: undefined,
    }));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Loads the bundled sample knowledge base into the demo's throwaway data directory, then chats. */
export async function demoCommand(services: Services, options: { tenant: string }): Promise<number> {
  process.stdout.write('Loading the sample knowledge base of Northwind Labs, an invented company…\n');
  // Named from the samples folder, wherever the demo runs, as README's example shows them.
  const files = (await collectFiles([SAMPLE_DIR])).files.map((file) => ({
    ...file,
    source: path.relative(path.dirname(SAMPLE_DIR), file.absolutePath).split(path.sep).join('/'),
  }));
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
  const documents = (await services.knowledgeBase.listDocuments(options.tenant)).length;
  const greeting = [
    `Docent is ready with ${documents} documents of Northwind Labs.`,
    'This demo runs on a throwaway copy: what you add with /files is gone when you quit.',
    'Try:',
    ...EXAMPLES.map((q) => `  ${q}`),
    'Commands: /files <path>, /sources, /new, /quit.',
  ].join('\n');
  return chatCommand(services, { tenant: options.tenant, greeting });
}
