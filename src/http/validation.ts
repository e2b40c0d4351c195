import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** Parses a request part, or answers 400 with one message per invalid field. */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'body'] = issue.message;
  void reply.code(400).send({ error: 'invalid_request', fields });
  return undefined;
}
