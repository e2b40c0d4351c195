import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { MessageHandler } from '../core/handle-message.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { KnowledgeVersions } from '../core/ports/knowledge-versions.js';
import type { Logger } from '../logger.js';
import type { McpCaller } from './caller.js';
import { packageVersion } from './package-version.js';
import { registerDocumentResources } from './resources.js';
import { registerTools } from './tools.js';

/** What the MCP server reads and asks through: the same knowledge base and message path as every platform. */
export interface McpDeps {
  knowledgeBase: Pick<KnowledgeBase, 'topK' | 'search' | 'listDocuments' | 'readDocument'>;
  versions: Pick<KnowledgeVersions, 'read'>;
  handleMessage: MessageHandler;
  /** Where faults that are not the caller's are reported; never stdout. */
  logger?: Logger;
}

export type { McpCaller } from './caller.js';

/**
 * An MCP server for one caller: tools to search the documents and ask questions, and the
 * documents as resources, all within what that caller may read.
 */
export function createMcpServer(deps: McpDeps, caller: McpCaller): McpServer {
  const server = new McpServer(
    { name: 'docent', title: 'Docent', version: packageVersion() },
    {
      instructions:
        'Docent answers from the team’s own documents. Use search_documents to find passages, ask ' +
        'for a cited answer, and the docent://documents/ resources to read a whole document.',
    },
  );
  registerTools(server, deps, caller);
  registerDocumentResources(server, deps, caller);
  return server;
}
