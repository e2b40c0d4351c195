import { assertScope } from '../core/scope.js';
import { type FileResult, failedFile, ingestFiles } from '../ingestion/ingest-files.js';
import { collectFiles } from '../ingestion/local-files.js';
import type { Services } from '../main.js';
import { printJson } from './output.js';

export async function ingestCommand(
  services: Services,
  paths: string[],
  options: { tenant: string; scope: string; json?: boolean },
): Promise<number> {
  assertScope(options.scope);
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const describe = (r: FileResult) =>
    r.status === 'indexed'
      ? `indexed ${r.source}: ${r.passages} passages`
      : r.status === 'unchanged'
        ? `unchanged ${r.source}`
        : `failed  ${r.error?.message}`;
  const { files, errors } = await collectFiles(paths);
  const missing = errors.map((e) => failedFile(e.message.split(':')[0] ?? '', e));
  for (const r of missing) say(describe(r));
  const ingested = await ingestFiles(services.knowledgeBase, files, {
    tenantId: options.tenant,
    scope: options.scope,
    onResult: (r) => say(describe(r)),
  });
  await services.knowledgeBase.maintain();
  const results = [...missing, ...ingested].map(({ bytes: _bytes, ...r }) => r);
  const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  const summary = { indexed: count('indexed'), unchanged: count('unchanged'), failed: count('failed') };
  if (options.json) printJson({ ...summary, results });
  else say(`${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
}
