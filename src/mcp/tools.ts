import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AnswerResult, type SourceView, toSources } from '../core/ask.js';
import { DocentError, describeError } from '../core/errors.js';
import { callerAudience, callerMessage, type McpCaller } from './caller.js';
import type { McpDeps } from './server.js';

/** The most passages one search returns: enough to ground an assistant, little enough to read. */
export const MAX_SEARCH_RESULTS = 10;

const searchInput = {
  query: z
    .string()
    .trim()
    .min(1, 'The query must not be empty.')
    .max(4000, 'The query must be at most 4000 characters.')
    .describe('What to look for, in words: a question or keywords.'),
  limit: z
    .number()
    .int('The limit must be a whole number.')
    .min(1, 'The limit must be at least 1.')
    .max(MAX_SEARCH_RESULTS, `The limit must be at most ${MAX_SEARCH_RESULTS}.`)
    .optional()
    .describe(`How many passages to return, 1 to ${MAX_SEARCH_RESULTS}.`),
};

const askInput = {
  question: z
    .string()
    .trim()
    .min(1, 'The question must not be empty.')
    .max(4000, 'The question must be at most 4000 characters.')
    .describe('The question, as a person would ask it.'),
  session_id: z
    .string()
    .trim()
    .min(1, 'The session id must not be empty.')
    .max(200, 'The session id must be at most 200 characters.')
    .optional()
    .describe('Give the session_id of an earlier answer to ask a follow-up in the same conversation.'),
};

/** `search_documents` and `ask`, answering for one caller. */
export function registerTools(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  const audience = callerAudience(caller);
  const failed = (error: unknown): CallToolResult => {
    // A DocentError is the caller's to read; anything else is a fault to look into.
    if (!(error instanceof DocentError))
      deps.logger?.error({ err: error, tenant: caller.tenantId }, 'MCP tool failed');
    return toolError(describeError(error));
  };

  server.registerTool(
    'search_documents',
    {
      title: 'Search the documents',
      description:
        'Finds the passages of the team’s documents most relevant to a query, best first, each with ' +
        'its document’s title and source.',
      inputSchema: searchInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, limit }) => {
      try {
        const k = limit ?? Math.min(deps.knowledgeBase.topK, MAX_SEARCH_RESULTS);
        // The versions as a question reads them: a document added by another process is searched at once.
        const knowledgeVersions = await deps.versions.read(audience.tenantId, audience.scopes);
        const passages = toSources(
          await deps.knowledgeBase.search(query, audience, { k, knowledgeVersions }),
        );
        return {
          content: [{ type: 'text', text: describePassages(passages) }],
          structuredContent: { passages },
        };
      } catch (error) {
        return failed(error);
      }
    },
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask Docent',
      description:
        'Answers a question from the team’s documents, citing the passages it used. Returns a ' +
        'session_id: pass it back to ask a follow-up.',
      inputSchema: askInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question, session_id }) => {
      try {
        const session = { id: session_id ?? randomUUID(), isNew: session_id === undefined };
        const outcome = await deps.handleMessage(callerMessage(caller, question, session));
        if (outcome.kind === 'throttled')
          return toolError(`Too many questions; ask again in ${Math.ceil(outcome.retryAfterMs / 1000)} s.`);
        if (outcome.kind !== 'answer') return toolError('The question could not be answered.');
        const result = { ...outcome.result, session_id: session.id };
        return {
          content: [{ type: 'text', text: describeAnswer(outcome.result) }],
          structuredContent: result,
        };
      } catch (error) {
        return failed(error);
      }
    },
  );
}

function toolError(sentence: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: sentence }] };
}

function describePassages(passages: SourceView[]): string {
  if (passages.length === 0) return 'No passage of the documents matches the query.';
  return passages
    .map((p) => `[${p.n}] ${p.title} (${p.source}, score ${p.score.toFixed(4)})\n${p.text}`)
    .join('\n\n');
}

/** The answer, then the sources its [n] markers refer to. */
function describeAnswer(result: AnswerResult): string {
  const lines = [result.answer];
  if (result.note) lines.push('', result.note);
  if (result.sources.length > 0) {
    lines.push('', 'Sources:');
    for (const s of result.sources) lines.push(`[${s.n}] ${s.title} (${s.source})`);
  }
  return lines.join('\n');
}
