import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Services } from '../composition/services.js';
import { assertTenant } from '../core/scope.js';
import { createMcpServer } from '../mcp/server.js';

// A client sends small requests; what it may have buffered unread at once is bounded well above them.
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * `docent mcp`: an MCP server on standard input and output for an assistant on this machine. It
 * speaks for the operator, like `docent ask`: the tenant's tenant-wide documents. Until the
 * client closes standard input (or a signal), then the services close as after any command.
 */
export async function mcpCommand(services: Services, options: { tenant: string }): Promise<number> {
  assertTenant(options.tenant);
  // Standard output carries protocol messages only: a stray console.log from any library would
  // break the client's reading, so it goes where the logs go.
  console.log = console.info = console.debug = console.error;
  const server = createMcpServer(
    {
      knowledgeBase: services.knowledgeBase,
      versions: services.versions,
      handleMessage: services.handleMessage,
      logger: services.logger,
    },
    { tenantId: options.tenant, channelId: 'cli', userId: 'operator', conversationKey: 'operator' },
  );
  const transport = new StdioServerTransport(process.stdin, process.stdout, {
    maxBufferSize: MAX_BUFFERED_BYTES,
  });
  const stopped = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.connect(transport);
  services.logger.info({ tenant: options.tenant }, 'MCP server ready on standard input and output');
  await stopped;
  await server.close();
  process.stdin.destroy();
  return 0;
}
