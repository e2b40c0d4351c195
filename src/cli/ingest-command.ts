import type { Services } from '../composition/services.js';
import { assertScope } from '../core/scope.js';
import { type FileResult, failedFile, ingestFiles } from '../ingestion/ingest-files.js';
import { collectFiles } from '../ingestion/local-files.js';
import { createIngestReporter } from './ingest-progress.js';
import { printJson } from './output.js';

export async function ingestCommand(
  services: Services,
  paths: string[],
  options: { tenant: string; scope: string; json?: boolean },
): Promise<number> {
  assertScope(options.scope);
  const write = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const { files, errors } = await collectFiles(paths);
  const reporter = createIngestReporter({
    interactive: !options.json && process.stdout.isTTY === true,
    totalFiles: files.length,
    write,
  });
  const missing = errors.map((e) => failedFile(e.message.split(':')[0] ?? '', e));
  for (const r of missing) reporter.onResult(r);
  const ingested = await ingestFiles(services.knowledgeBase, files, {
    tenantId: options.tenant,
    scope: options.scope,
    onResult: reporter.onResult,
  });
  await services.knowledgeBase.maintain();
  const all = [...missing, ...ingested];
  write(reporter.finish(all));
  if (options.json) {
    const results = all.map(({ bytes: _bytes, ...r }) => r);
    const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
    printJson({ indexed: count('indexed'), unchanged: count('unchanged'), failed: count('failed'), results });
  }
  return all.some((r) => r.status === 'failed') ? 1 : 0;
}
