import type { FastifyReply, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

/** The body of a 400 that names each invalid field and what is wrong with it. */
export interface InvalidRequest {
  error: 'invalid_request';
  fields: Record<string, string>;
}

export function invalidRequest(error: z.ZodError): InvalidRequest {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || 'body'] = issue.message;
  return { error: 'invalid_request', fields };
}

/**
 * Zod schemas on routes: Fastify runs them before the handler and hands it the parsed value; a
 * failure reaches the error handler as the ZodError, answered there with `invalidRequest`.
 * A missing part is an empty object, so the 400 names the fields it needs.
 */
export const zodValidator: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const parsed = schema.safeParse(data ?? {});
    return parsed.success ? { value: parsed.data } : { error: parsed.error };
  };

/** Parses a request part, or answers 400 with one message per invalid field. */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  void reply.code(400).send(invalidRequest(parsed.error));
  return undefined;
}
