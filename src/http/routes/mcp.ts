import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken } from '../../config.js';
import { createMcpServer, type McpDeps } from '../../mcp/server.js';
import { bearerGuard, type Caller } from '../auth.js';

export interface McpRouteOptions {
  deps: McpDeps;
  /** The query API's tokens: each reads one tenant; none: every request is refused. */
  apiTokens: readonly ApiToken[];
  isShuttingDown: () => boolean;
}

/** A JSON-RPC error without a request id, for what is refused before any message is read. */
const rpcError = (message: string) => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/**
 * `POST /mcp`: the MCP server over Streamable HTTP, stateless. Each request gets a server and a
 * transport of its own for the tenant its bearer token reads, and JSON in response: any instance
 * can answer any request, with no session to keep. The token is checked before the body is looked
 * at as MCP; the body is bounded like every other JSON body of the service.
 */
export async function mcpRoutes(app: FastifyInstance, options: McpRouteOptions): Promise<void> {
  const { deps, apiTokens, isShuttingDown } = options;
  app.addHook('onRequest', (_request, reply, done) => {
    if (!isShuttingDown()) return done();
    reply.code(503).send(rpcError('Docent is shutting down; try again in a moment.'));
  });
  app.addHook('onRequest', bearerGuard(apiTokens, 'DOCENT_API_TOKEN or DOCENT_API_TOKENS', '/mcp'));

  app.post('/mcp', (request, reply) => serve(deps, request, reply));
  // No session means no stream to open (GET) and none to end (DELETE).
  const notAllowed = (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send(rpcError('This MCP server is stateless: send each message with POST.'));
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

async function serve(deps: McpDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // Set by the guard, from a token that names its tenant.
  const caller = request.caller as Caller<string>;
  const server = createMcpServer(deps, {
    tenantId: caller.tenant,
    // As the query API's callers: the tenant-wide documents, and limits and conversations per token.
    channelId: 'api',
    userId: `api:${caller.id}`,
    conversationKey: caller.id,
  });
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  // The transport writes the response itself.
  reply.hijack();
  reply.raw.once('close', () => {
    void transport.close();
    void server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  } catch (error) {
    request.log.error({ err: error }, 'MCP request failed');
    if (!reply.raw.headersSent) {
      reply.raw.writeHead(500, { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify(rpcError('internal error')));
    }
  }
}
