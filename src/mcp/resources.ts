import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { DocumentRecord, Passage } from '../core/types.js';
import { callerAudience, type McpCaller } from './caller.js';
import type { McpDeps } from './server.js';

const URI_PREFIX = 'docent://documents/';
/** A resource read is one message: a document longer than this is cut, and says so. */
export const MAX_RESOURCE_CHARS = 1_000_000;

export const documentUri = (docId: string) => `${URI_PREFIX}${encodeURIComponent(docId)}`;

/** Each document the caller may read, as a resource: listed, and read as its passages' text. */
export function registerDocumentResources(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  const audience = callerAudience(caller);
  const template = new ResourceTemplate(`${URI_PREFIX}{docId}`, {
    list: async () => {
      const readable = (await deps.knowledgeBase.listDocuments(caller.tenantId)).filter((d) =>
        audience.scopes.includes(d.scope),
      );
      return { resources: readable.map(describeDocument) };
    },
  });
  server.registerResource(
    'document',
    template,
    {
      title: 'A document of the knowledge base',
      description: 'The text of one document, as its passages, with its title and source.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const docId = decodeURIComponent(String(variables.docId ?? ''));
      const found = docId ? await deps.knowledgeBase.readDocument(audience, docId) : undefined;
      if (!found)
        // The same answer for a document of another tenant or scope as for one that never existed.
        throw new McpError(ErrorCode.InvalidParams, `There is no document ${uri.href} to read.`);
      return {
        contents: [
          { uri: uri.href, mimeType: 'text/markdown', text: documentText(found.document, found.passages) },
        ],
      };
    },
  );
}

function describeDocument(d: DocumentRecord) {
  return {
    uri: documentUri(d.docId),
    name: d.title || d.source,
    title: d.title,
    description: `${d.source}: ${d.passages} passage${d.passages === 1 ? '' : 's'}, updated ${d.updatedAt}`,
    mimeType: 'text/markdown',
  };
}

/** The title and source, then the passages in reading order, cut at MAX_RESOURCE_CHARS. */
function documentText(document: DocumentRecord, passages: Passage[]): string {
  const text = `# ${document.title}\n\nSource: ${document.source}\n\n${passages.map((p) => p.text).join('\n\n')}`;
  if (text.length <= MAX_RESOURCE_CHARS) return text;
  return `${text.slice(0, MAX_RESOURCE_CHARS)}\n\n[The document is longer; the rest is left out.]`;
}
