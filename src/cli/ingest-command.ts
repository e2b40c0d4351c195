import { assertScope } from '../core/scope.js';
import { describeError, IngestError } from '../errors.js';
import { collectFiles, readLocalFile } from '../ingestion/local-files.js';
import type { Services } from '../main.js';
import { printJson } from './output.js';

interface FileResult {
  source: string;
  status: 'indexed' | 'unchanged' | 'failed';
  doc_id?: string;
  passages?: number;
  error?: { code: string; message: string };
}

export async function ingestCommand(
  services: Services,
  paths: string[],
  options: { tenant: string; scope: string; json?: boolean },
): Promise<number> {
  assertScope(options.scope);
  const scope = options.scope;
  const { files, errors } = await collectFiles(paths);
  const results: FileResult[] = errors.map((e) => failure(e.message.split(':')[0] ?? '', e));
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  for (const e of errors) say(`failed  ${e.message}`);
  for (const file of files) {
    try {
      const outcome = await services.knowledgeBase.ingest({
        tenantId: options.tenant,
        scope,
        source: file.source,
        fetchData: readLocalFile(file),
      });
      const { docId, passages } = outcome.document;
      results.push({ source: file.source, status: outcome.status, doc_id: docId, passages });
      say(
        outcome.status === 'indexed'
          ? `indexed ${file.source}: ${passages} passages`
          : `unchanged ${file.source}`,
      );
    } catch (err) {
      results.push(failure(file.source, err));
      say(`failed  ${err instanceof IngestError ? err.message : `${file.source}: ${describeError(err)}`}`);
    }
  }
  await services.knowledgeBase.maintain();
  const count = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  const summary = { indexed: count('indexed'), unchanged: count('unchanged'), failed: count('failed') };
  if (options.json) printJson({ ...summary, results });
  else say(`${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
}

function failure(source: string, err: unknown): FileResult {
  const code = err instanceof IngestError ? err.code : 'internal';
  return { source, status: 'failed', error: { code, message: describeError(err) } };
}
