import { runChat } from '../../adapters/terminal/chat.js';
import type { FileFetcher } from '../core/ports/job-queue.js';
import { collectFiles, readLocalFile } from '../ingestion/local-files.js';

/** The terminal's shared files are paths on this machine. */
const terminalFileFetcher: FileFetcher = (file, maxBytes) =>
  readLocalFile({ absolutePath: file.url, source: file.name })(maxBytes);

import type { Services } from '../composition/services.js';
import { describeError } from '../core/errors.js';
import type { MessageHandler } from '../core/handle-message.js';

export async function chatCommand(
  services: Services,
  options: { tenant: string; greeting?: string },
): Promise<number> {
  services.jobs.register('terminal', terminalFileFetcher);
  await runChat({
    handleMessage: claimingForFiles(services),
    tenantId: options.tenant,
    input: process.stdin,
    output: process.stdout,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    greeting: options.greeting,
    collectFiles,
  });
  return 0;
}

/**
 * Questions only read, so they work beside a running `docent serve`; files are written into the
 * data directory, so the first /files claims it (and starts the ingestion worker), or says who
 * has it.
 */
function claimingForFiles(services: Services): MessageHandler {
  return async (message, hooks) => {
    if (message.files.length > 0) {
      try {
        await services.claimDataDir();
      } catch (error) {
        const reason = describeError(error);
        return {
          kind: 'ingested',
          files: message.files.map((f) => ({ name: f.name, status: 'failed', reason })),
        };
      }
      await services.jobs.start();
    }
    return services.handleMessage(message, hooks);
  };
}
