import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../composition/services.js';

const tenant = z
  .string()
  .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
  .default('default');
// Slack ids (C0123ABCD) and Discord snowflakes both fit; a list beyond this is a mistake, not a workspace.
const channelId = z
  .string()
  .trim()
  .regex(/^[\w.-]{1,64}$/, 'a channel id: letters, digits, ".", "_" or "-"');
const channels = z.array(channelId).max(500, 'at most 500 channels');

const readSchema = { schema: { querystring: z.object({ tenant }) } };
const writeSchema = { schema: { querystring: z.object({ tenant }), body: z.object({ channels }) } };

type Tenant = { Querystring: { tenant: string } };

/**
 * `/admin/auto-answer`: the channels of one tenant where every top-level question is answered
 * without a mention when the documents cover it. `configured` lists AUTO_ANSWER_CHANNELS, which
 * apply to every tenant and are changed only in the configuration. Registered inside the admin
 * routes, behind their bearer token.
 */
export function autoAnswerRoutes(app: FastifyInstance, services: Services): void {
  const { autoAnswer } = services;
  const view = (tenantId: string, stored: string[]) => ({
    tenant: tenantId,
    channels: stored,
    configured: autoAnswer.configured,
    uncovered: autoAnswer.uncovered,
  });

  app.get<Tenant>('/admin/auto-answer', readSchema, async ({ query }) =>
    view(query.tenant, await autoAnswer.list(query.tenant)),
  );

  app.put<Tenant & { Body: { channels: string[] } }>(
    '/admin/auto-answer',
    writeSchema,
    async ({ query, body }) => view(query.tenant, await autoAnswer.set(query.tenant, body.channels)),
  );
}
