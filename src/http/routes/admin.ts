import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../composition/services.js';
import { describeError, IngestError } from '../../core/errors.js';
import type { KnowledgeBase } from '../../core/knowledge-base.js';
import { assertScope } from '../../core/scope.js';
import { documentView, type Scope } from '../../core/types.js';
import { fetchUrl } from '../../ingestion/fetch-url.js';
import { bearerGuard } from '../auth.js';
import { parseOr400 } from '../validation.js';
import { curatedAnswerRoutes } from './admin-answers.js';
import { autoAnswerRoutes } from './admin-auto-answer.js';
import { adminSourceRoutes } from './admin-sources.js';

const tenantQuery = z.object({
  tenant: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
    .default('default'),
  scope: z
    .string()
    .regex(/^(tenant|channel:[\w.-]+|user:[\w.-]+)$/, 'tenant, channel:<id> or user:<id>')
    .default('tenant'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
type TenantQuery = { Querystring: z.infer<typeof tenantQuery> };
// Without a tenant, these report every tenant: no default tenant here (zod keeps defaults in partial()).
const anyTenantQuery = z.object({
  tenant: tenantQuery.shape.tenant.unwrap().optional(),
  limit: tenantQuery.shape.limit.unwrap().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
const flushQuery = anyTenantQuery.pick({ tenant: true });
type FlushQuery = { Querystring: z.infer<typeof flushQuery> };
type AnyTenantQuery = { Querystring: z.infer<typeof anyTenantQuery> };
const tenantSchema = { schema: { querystring: tenantQuery } };
const anyTenantSchema = { schema: { querystring: anyTenantQuery } };
const urlBody = z.object({ url: z.url().refine((u) => /^https?:\/\//.test(u), 'must be http(s)') });

type Upload = { source: string; addedIn: string; fetchData: (max: number) => Promise<Uint8Array> };

/** Documents, failed ingestion jobs, statistics, feedback, coverage gaps and the cache, for operators. */
export async function adminRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { adminToken } = services.config.http;
  const holders = adminToken ? [{ token: adminToken, tenant: undefined }] : [];
  app.addHook('onRequest', bearerGuard(holders, 'DOCENT_ADMIN_TOKEN', '/admin'));
  // Uploads are only taken here: registered in this plugin, multipart's per-request hooks do not
  // run on the query API, health checks or Slack events.
  await app.register(multipart, { limits: { fileSize: services.config.maxFileBytes, files: 10 } });
  documentRoutes(app, services);
  reportRoutes(app, services);
  curatedAnswerRoutes(app, services);
  autoAnswerRoutes(app, services);
  adminSourceRoutes(app, services);

  // With a tenant, its answer generation is renewed, so only its cached answers stop matching
  // (see KnowledgeVersions.answerGeneration); without one, the whole cache is emptied.
  app.post<FlushQuery>('/admin/cache/flush', { schema: { querystring: flushQuery } }, async ({ query }) => {
    if (!query.tenant) {
      await services.cache.flush();
      return { flushed: true };
    }
    await services.versions.retireAnswers(query.tenant);
    return { flushed: true, tenant: query.tenant };
  });
}

function documentRoutes(app: FastifyInstance, services: Services): void {
  const { knowledgeBase } = services;

  app.get<TenantQuery>('/admin/documents', tenantSchema, async ({ query }) => ({
    documents: (await knowledgeBase.listDocuments(query.tenant)).map(documentView),
  }));

  app.post<TenantQuery>('/admin/documents', tenantSchema, async (request, reply) => {
    const q = request.query;
    assertScope(q.scope);
    const uploads = await readUploads(request, reply, services.config.allowPrivateUrls);
    if (!uploads) return reply;
    const results = await ingestUploads(knowledgeBase, q.tenant, q.scope, uploads);
    const failed = results.every((r) => r.status === 'failed');
    return reply.code(failed ? 422 : 201).send({ results });
  });

  app.delete<TenantQuery & { Params: { docId: string } }>(
    '/admin/documents/:docId',
    tenantSchema,
    async ({ query, params }, reply) => {
      const removed = await knowledgeBase.removeDocument(query.tenant, params.docId);
      return removed ? { removed: documentView(removed) } : reply.code(404).send({ error: 'not_found' });
    },
  );
}

/** The uploaded files, or the one URL in the body; undefined once the reply says what is wrong. */
async function readUploads(
  request: FastifyRequest<TenantQuery>,
  reply: FastifyReply,
  allowPrivateUrls: boolean,
): Promise<Upload[] | undefined> {
  const uploads: Upload[] = [];
  if (request.isMultipart()) {
    for await (const part of request.files()) {
      const bytes = await part.toBuffer();
      uploads.push({
        source: part.filename,
        addedIn: 'upload',
        fetchData: async () => new Uint8Array(bytes),
      });
    }
    if (uploads.length === 0) {
      reply.code(400).send({ error: 'invalid_request', fields: { file: 'attach at least one file' } });
      return undefined;
    }
    return uploads;
  }
  const body = parseOr400(urlBody, request.body, reply);
  if (!body) return undefined;
  const fetchData = fetchUrl(body.url, { allowPrivate: allowPrivateUrls });
  return [{ source: body.url, addedIn: body.url, fetchData }];
}

async function ingestUploads(
  knowledgeBase: KnowledgeBase,
  tenantId: string,
  scope: Scope,
  uploads: Upload[],
) {
  const results = [];
  for (const { addedIn, ...upload } of uploads) {
    try {
      const origin = { addedBy: 'admin', addedIn, platform: 'admin' };
      const outcome = await knowledgeBase.ingest({ tenantId, scope, origin, ...upload });
      results.push({ ...documentView(outcome.document), status: outcome.status });
    } catch (error) {
      const code = error instanceof IngestError ? error.code : 'internal';
      results.push({
        source: upload.source,
        status: 'failed',
        error: { code, message: describeError(error) },
      });
    }
  }
  return results;
}

function reportRoutes(app: FastifyInstance, services: Services): void {
  const { history } = services;
  const range = (q: AnyTenantQuery['Querystring']) => ({ tenantId: q.tenant, from: q.from, to: q.to });

  app.get<AnyTenantQuery>('/admin/stats', anyTenantSchema, async ({ query }) =>
    history.summary(range(query)),
  );

  app.get<AnyTenantQuery>('/admin/feedback', anyTenantSchema, async ({ query }) => ({
    feedback: await history.feedback(range(query), query.limit ?? 100),
  }));

  app.get<AnyTenantQuery>('/admin/questions', anyTenantSchema, async ({ query }) => ({
    questions: await history.questions(range(query), { search: query.q, limit: query.limit ?? 50 }),
  }));

  app.get<AnyTenantQuery>('/admin/questions/unanswered', anyTenantSchema, async ({ query }) => ({
    questions: await history.unanswered(range(query), query.limit ?? 50),
  }));

  app.get<AnyTenantQuery>('/admin/jobs/failed', anyTenantSchema, async ({ query: q }) => {
    const failed = await services.jobs.failed();
    return {
      jobs: failed
        .filter((f) => !q.tenant || f.job.tenantId === q.tenant)
        .slice(0, q.limit ?? 100)
        .map(({ job, reason, failedAt }) => ({
          id: job.id,
          tenant: job.tenantId,
          scope: job.scope,
          platform: job.platform,
          file: job.file.name,
          reason,
          failed_at: failedAt,
        })),
    };
  });

  // Runs a failed job once more under a new id, and answers how it went. The failed record stays
  // listed: it is the history of what happened.
  app.post<{ Params: { jobId: string } }>('/admin/jobs/failed/:jobId/retry', async ({ params }, reply) => {
    const failed = (await services.jobs.failed()).find((f) => f.job.id === params.jobId);
    if (!failed) return reply.code(404).send({ error: 'not_found' });
    const job = { ...failed.job, id: randomUUID() };
    await services.jobs.add(job);
    return { job_id: job.id, outcome: await services.jobs.outcome(job) };
  });
}
