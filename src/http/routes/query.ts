import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ApiToken } from '../../config.js';
import type { MessageHandler } from '../../core/handle-message.js';
import type { InboundMessage } from '../../core/message.js';
import { bearerGuard, type Caller } from '../auth.js';
import { openEventStream } from '../event-stream.js';

const MIN_TOKEN_LENGTH = 16;

const querySchema = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  session_id: z.string().trim().min(1).max(200).optional(),
  tenant: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
  /** Answer as Server-Sent Events (as does `Accept: text/event-stream`). */
  stream: z.boolean().optional(),
});

const INTERNAL_ERROR = 'Something went wrong while answering. Please try again in a moment.';

const wantsEventStream = (accept: string | undefined) => /\btext\/event-stream\b/i.test(accept ?? '');

export interface QueryRouteOptions {
  handleMessage: MessageHandler;
  /** Each token reads one tenant; none: every request is refused. */
  apiTokens: readonly ApiToken[];
  isShuttingDown: () => boolean;
}

/**
 * `POST /api/v1/query`: one question through the same message path the chat platforms use. The
 * token decides everything the body could claim: the tenant read, whose limits apply, whose
 * conversations may be continued. A body naming another tenant is refused rather than quietly
 * answered from the token's.
 */
export async function queryRoutes(app: FastifyInstance, options: QueryRouteOptions): Promise<void> {
  const { handleMessage, apiTokens, isShuttingDown } = options;
  // Valid tokens are never locked out, so a token's length and randomness are what stop guessing.
  for (const { tenant, token } of apiTokens)
    if (token.length < MIN_TOKEN_LENGTH)
      app.log.warn(
        { tenant },
        `an API token is shorter than ${MIN_TOKEN_LENGTH} characters: use a long random one (openssl rand -hex 32)`,
      );
  app.addHook('onRequest', (_request, reply, done) => {
    if (!isShuttingDown()) return done();
    reply
      .code(503)
      .send({ error: 'shutting_down', message: 'Docent is shutting down; ask again in a moment.' });
  });
  app.addHook('onRequest', bearerGuard(apiTokens, 'DOCENT_API_TOKEN or DOCENT_API_TOKENS', '/api'));

  app.post<{ Body: z.infer<typeof querySchema> }>(
    '/api/v1/query',
    { schema: { body: querySchema } },
    async (request, reply) => {
      const query = request.body;
      // Set by the guard, from a token that names its tenant.
      const caller = request.caller as Caller<string>;
      if (query.tenant !== undefined && query.tenant !== caller.tenant)
        return reply.code(403).send({
          error: 'wrong_tenant',
          message: `This token reads tenant "${caller.tenant}" only; leave "tenant" out or send "${caller.tenant}".`,
        });
      const session = query.session_id ?? randomUUID();
      const message: InboundMessage = {
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
      };
      if (query.stream === true || wantsEventStream(request.headers.accept))
        return streamAnswer(reply, handleMessage, message, session);
      const outcome = await handleMessage(message);
      if (outcome.kind === 'throttled')
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(outcome.retryAfterMs / 1000)))
          .send({ error: 'throttled', retry_after_ms: outcome.retryAfterMs });
      if (outcome.kind !== 'answer') return reply.code(500).send({ error: 'no_answer' });
      return { ...outcome.result, session_id: session };
    },
  );
}

/**
 * The answer as Server-Sent Events: `delta` events with its text as the model writes it (`reset`
 * when that text is withdrawn), then `done` with the same document a plain request returns, or
 * `error`. A client that hangs up stops nothing: the answer completes, is cached and remembered.
 */
async function streamAnswer(
  reply: FastifyReply,
  handleMessage: MessageHandler,
  message: InboundMessage,
  session: string,
): Promise<void> {
  const events = openEventStream(reply);
  try {
    const outcome = await handleMessage(message, {
      stream: {
        onText: (text) => events.send('delta', { text }),
        onReset: () => events.send('reset', {}),
      },
    });
    if (outcome.kind === 'answer') events.send('done', { ...outcome.result, session_id: session });
    else if (outcome.kind === 'throttled')
      events.send('error', {
        error: 'throttled',
        message: `Too many questions; try again in ${Math.ceil(outcome.retryAfterMs / 1000)} s.`,
        retry_after_ms: outcome.retryAfterMs,
      });
    else events.send('error', { error: 'no_answer', message: INTERNAL_ERROR });
  } catch (error) {
    reply.log.error({ err: error }, 'streamed answer failed');
    events.send('error', { error: 'internal', message: INTERNAL_ERROR });
  } finally {
    events.end();
  }
}
