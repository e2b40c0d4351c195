import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** The body of a 400 that names each invalid field and what is wrong with it. */
export interface InvalidRequest {
  error: 'invalid_request';
  fields: Record<string, string>;
}

/** Parses a request part, or describes every invalid field in it. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { data: z.infer<T> } | { invalid: InvalidRequest } {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { data: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'body'] = issue.message;
  return { invalid: { error: 'invalid_request', fields } };
}

/** Parses a request part, or answers 400 with one message per invalid field. */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const result = validate(schema, value);
  if ('data' in result) return result.data;
  void reply.code(400).send(result.invalid);
  return undefined;
}
