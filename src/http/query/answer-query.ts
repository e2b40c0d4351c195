import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { MessageHandler } from '../../core/handle-message.js';
import type { Caller } from '../auth.js';
import { apiAnswerJson } from './answer-json.js';

export const querySchema = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  session_id: z.string().trim().min(1).max(200).optional(),
  tenant: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
});

export type Query = z.infer<typeof querySchema>;

/** What the query API answers: a status, a JSON body (or its text, already written) and any headers. */
export interface QueryResponse {
  status: number;
  body: object | string;
  headers?: Record<string, string>;
}

/**
 * One API question through the same message path the chat platforms use. The token decides
 * everything the body could claim: the tenant read, whose limits apply, whose conversations may be
 * continued. A body naming another tenant is refused rather than quietly answered from the token's.
 */
export async function answerQuery(
  handleMessage: MessageHandler,
  query: Query,
  caller: Caller<string>,
): Promise<QueryResponse> {
  if (query.tenant !== undefined && query.tenant !== caller.tenant) return wrongTenant(caller.tenant);
  const session = query.session_id ?? randomUUID();
  const outcome = await handleMessage({
    platform: 'http',
    tenantId: caller.tenant,
    channelId: 'api',
    // Limits follow the token: any number of session ids still share one allowance.
    userId: `api:${caller.id}`,
    // Another token naming the same session id reaches a different conversation.
    threadId: `${caller.id}:${session}`,
    // Without a session id the conversation is new; with one it may continue.
    opensThread: query.session_id === undefined,
    isDirectMessage: false,
    isPrivateChannel: false,
    text: query.question,
    files: [],
  });
  if (outcome.kind === 'throttled')
    return {
      status: 429,
      body: { error: 'throttled', retry_after_ms: outcome.retryAfterMs },
      headers: { 'retry-after': String(Math.ceil(outcome.retryAfterMs / 1000)) },
    };
  if (outcome.kind !== 'answer') return { status: 500, body: { error: 'no_answer' } };
  return { status: 200, body: apiAnswerJson({ ...outcome.result, session_id: session }) };
}

function wrongTenant(tenant: string): QueryResponse {
  return {
    status: 403,
    body: {
      error: 'wrong_tenant',
      message: `This token reads tenant "${tenant}" only; leave "tenant" out or send "${tenant}".`,
    },
  };
}
