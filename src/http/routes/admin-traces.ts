import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../composition/services.js';
import { bearerGuard } from '../auth.js';

const traceQuery = z.object({
  tenant: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
    .default('default'),
});
const traceParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'a trace id: 32 hex digits') });
type TraceRequest = { Querystring: z.infer<typeof traceQuery>; Params: z.infer<typeof traceParams> };

/** `GET /admin/traces/:id?tenant=`: how one answer was made, step by step, for operators. */
export async function adminTraceRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const { adminToken } = services.config.http;
  const holders = adminToken ? [{ token: adminToken, tenant: undefined }] : [];
  app.addHook('onRequest', bearerGuard(holders, 'DOCENT_ADMIN_TOKEN', '/admin'));

  app.get<TraceRequest>(
    '/admin/traces/:id',
    { schema: { querystring: traceQuery, params: traceParams } },
    async ({ query, params }, reply) => {
      // Another tenant's trace is as absent as one never made: its id says nothing.
      const trace = await services.traces.find(query.tenant, params.id);
      return trace ?? reply.code(404).send({ error: 'not_found', message: 'No such trace in this tenant.' });
    },
  );
}
