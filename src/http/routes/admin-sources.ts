import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../composition/services.js';
import { DocentError } from '../../core/errors.js';
import { DEFAULT_EVERY_MS, parseEvery, sourceView } from '../../core/sources.js';

const tenant = z.string().regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"');
const listSchema = { schema: { querystring: z.object({ tenant: tenant.optional() }) } };
const createBody = z.object({
  kind: z.string().min(1).max(32),
  target: z.string().min(1).max(2048),
  tenant: tenant.default('default'),
  scope: z
    .string()
    .regex(/^(tenant|channel:[\w.-]+)$/, 'tenant or channel:<id>')
    .default('tenant'),
  every: z.string().max(16).optional(),
  token_env: z.string().max(128).optional(),
  token_file: z.string().max(1024).optional(),
  key_file: z.string().max(1024).optional(),
  email: z.string().max(320).optional(),
  max_pages: z.number().int().min(1).max(100_000).optional(),
});
const byId = { params: z.object({ id: z.string().min(1).max(64) }) };
const syncSchema = {
  schema: { ...byId, querystring: z.object({ full: z.enum(['true', 'false']).optional() }) },
};

type Id = { Params: { id: string } };

/** Sources: listed with their last sync, created, synced now, removed with their documents. */
export function adminSourceRoutes(app: FastifyInstance, services: Services): void {
  const { sources } = services;

  app.get<{ Querystring: { tenant?: string } }>('/admin/sources', listSchema, async ({ query }) => ({
    sources: (await sources.list(query.tenant)).map(sourceView),
  }));

  app.post<{ Body: z.infer<typeof createBody> }>(
    '/admin/sources',
    { schema: { body: createBody } },
    async ({ body }, reply) =>
      refusing(reply, async () => {
        const source = await sources.add({
          tenantId: body.tenant,
          kind: body.kind,
          target: body.target,
          scope: body.scope,
          everyMs: body.every ? parseEvery(body.every) : DEFAULT_EVERY_MS,
          settings: {
            ...(body.max_pages ? { maxPages: body.max_pages } : {}),
            ...(body.email ? { email: body.email } : {}),
          },
          secret: { env: body.token_env, file: body.token_file, keyFile: body.key_file },
        });
        return reply.code(201).send({ source: sourceView(source) });
      }),
  );

  // Runs the sync now and answers once it is over, with the counts and any error.
  app.post<Id & { Querystring: { full?: string } }>(
    '/admin/sources/:id/sync',
    syncSchema,
    async ({ params, query }, reply) => {
      const synced = await sources.sync(params.id, { full: query.full === 'true' });
      return synced ? { source: sourceView(synced) } : reply.code(404).send({ error: 'not_found' });
    },
  );

  app.delete<Id>('/admin/sources/:id', { schema: byId }, async ({ params }, reply) => {
    const removed = await sources.remove(params.id);
    if (!removed) return reply.code(404).send({ error: 'not_found' });
    return { removed: sourceView(removed.source), documents_removed: removed.documentsRemoved };
  });
}

/** A source the request describes that cannot be added: 400 with the sentence that says why. */
async function refusing(reply: FastifyReply, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DocentError)) throw error;
    return reply.code(400).send({ error: error.code, message: error.message });
  }
}
