import { runChat, terminalFileFetcher } from '../../adapters/terminal/chat.js';
import type { Services } from '../main.js';

export async function chatCommand(
  services: Services,
  options: { tenant: string; greeting?: string },
): Promise<number> {
  services.jobs.register('terminal', terminalFileFetcher);
  await services.jobs.start();
  await runChat({
    handleMessage: services.handleMessage,
    tenantId: options.tenant,
    input: process.stdin,
    output: process.stdout,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    greeting: options.greeting,
  });
  return 0;
}
