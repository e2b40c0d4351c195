import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../main.js';
import { bearerGuard } from '../auth.js';
import { parseOr400 } from '../validation.js';

const querySchema = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  session_id: z.string().trim().min(1).max(200).optional(),
  tenant: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
});

/** The same message path the chat platforms use, for other programs. */
export async function apiRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.addHook('onRequest', bearerGuard(services.config.http.apiToken, 'DOCENT_API_TOKEN'));

  app.post('/api/v1/query', async (request, reply) => {
    const body = parseOr400(querySchema, request.body, reply);
    if (!body) return reply;
    const session = body.session_id ?? randomUUID();
    const outcome = await services.handleMessage({
      platform: 'http',
      tenantId: body.tenant ?? 'default',
      channelId: 'api',
      userId: `api:${session}`,
      threadId: session,
      // Without a session id the conversation is new; with one it may continue.
      opensThread: body.session_id === undefined,
      isDirectMessage: false,
      isPrivateChannel: false,
      text: body.question,
      files: [],
    });
    if (outcome.kind === 'throttled') {
      reply.header('retry-after', String(Math.ceil(outcome.retryAfterMs / 1000)));
      return reply.code(429).send({ error: 'throttled', retry_after_ms: outcome.retryAfterMs });
    }
    if (outcome.kind !== 'answer') return reply.code(500).send({ error: 'no_answer' });
    const { id, answer, sources, latency_ms, model, route, cached, tokens, cost_usd, note } = outcome.result;
    return {
      id,
      answer,
      sources,
      latency_ms,
      model,
      route,
      cached,
      tokens,
      cost_usd,
      session_id: session,
      ...(note ? { note } : {}),
    };
  });
}
