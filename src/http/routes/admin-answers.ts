import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../composition/services.js';
import { type CuratedAnswer, DuplicateCuratedAnswerError } from '../../core/ports/curated-answers.js';
import type { Scope } from '../../core/types.js';

// A question as the query API takes it; an answer as long as a Slack message shows whole.
const question = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');
const answer = z.string().trim().min(1, 'must not be empty').max(3000, 'must be at most 3000 characters');
const tenant = z
  .string()
  .regex(/^[\w.-]{1,128}$/, 'letters, digits, ".", "_" or "-"')
  .default('default');
const scope = z
  .string()
  .regex(/^(tenant|channel:[\w.-]+|user:[\w.-]+)$/, 'tenant, channel:<id> or user:<id>')
  .default('tenant');

const listSchema = { schema: { querystring: z.object({ tenant }) } };
const createSchema = {
  schema: { querystring: z.object({ tenant, scope }), body: z.object({ question, answer }) },
};
const byId = z.object({ id: z.string().min(1).max(64) });
const updateSchema = {
  schema: {
    querystring: z.object({ tenant }),
    params: byId,
    body: z
      .object({ question: question.optional(), answer: answer.optional() })
      .refine(
        (b) => b.question !== undefined || b.answer !== undefined,
        'give a question, an answer or both',
      ),
  },
};
const removeSchema = { schema: { querystring: z.object({ tenant }), params: byId } };

type Tenant = { Querystring: { tenant: string } };
type Text = { question?: string; answer?: string };

const view = (a: CuratedAnswer) => ({
  id: a.id,
  tenant_id: a.tenantId,
  scope: a.scope,
  question: a.question,
  answer: a.answer,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});
const notFound = { error: 'not_found', message: 'This tenant has no curated answer with this id.' };
const duplicate = (error: DuplicateCuratedAnswerError) => ({
  error: 'duplicate',
  message: 'This scope already has an answer to this question: edit that one.',
  id: error.existingId,
});

/**
 * `/admin/answers`: answers written by admins, served before the cache and the models to the
 * question and its rephrasings. Registered inside the admin routes, behind their bearer token.
 * Every route reads and writes one tenant: an id of another tenant's answer is not found.
 */
export function curatedAnswerRoutes(app: FastifyInstance, services: Services): void {
  const { curated } = services;

  app.get<Tenant>('/admin/answers', listSchema, async ({ query }) => ({
    answers: (await curated.list(query.tenant)).map(view),
  }));

  app.post<{ Querystring: { tenant: string; scope: Scope }; Body: Required<Text> }>(
    '/admin/answers',
    createSchema,
    async ({ query, body }, reply) => {
      try {
        const created = await curated.create(query.tenant, query.scope, body);
        return reply.code(201).send({ answer: view(created) });
      } catch (error) {
        if (error instanceof DuplicateCuratedAnswerError) return reply.code(409).send(duplicate(error));
        throw error;
      }
    },
  );

  app.put<Tenant & { Params: { id: string }; Body: Text }>(
    '/admin/answers/:id',
    updateSchema,
    async ({ query, params, body }, reply) => {
      try {
        const updated = await curated.update(query.tenant, params.id, body);
        return updated ? { answer: view(updated) } : reply.code(404).send(notFound);
      } catch (error) {
        if (error instanceof DuplicateCuratedAnswerError) return reply.code(409).send(duplicate(error));
        throw error;
      }
    },
  );

  app.delete<Tenant & { Params: { id: string } }>(
    '/admin/answers/:id',
    removeSchema,
    async ({ query, params }, reply) => {
      const removed = await curated.remove(query.tenant, params.id);
      return removed ? { removed: view(removed) } : reply.code(404).send(notFound);
    },
  );
}
