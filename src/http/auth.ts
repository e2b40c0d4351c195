import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

const FAILURE_WINDOW_MS = 60_000;
const FREE_FAILURES = 5;

const digest = (text: string) => hash('sha256', text, 'buffer');

/** Compares digests, so neither the token's content nor its length leaks through timing. */
function matchesDigest(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/**
 * Bearer-token guard for one route prefix. Without a configured token the routes refuse and say
 * what to set; an address that keeps failing is told to wait, longer each time.
 */
export function bearerGuard(token: string | undefined, variable: string) {
  const failures = new Map<string, { count: number; since: number }>();
  const expected = token ? digest(token) : undefined;
  // Callback style: it runs before every API request, and an async hook costs a promise each time.
  // Replying ends the request; only a request that may go on calls done().
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!expected) {
      reply.code(403).send({
        error: 'disabled',
        message: `Set ${variable} to enable ${request.url.split('/')[1] ? `/${request.url.split('/')[1]}` : 'this route'}.`,
      });
      return;
    }
    const now = Date.now();
    const record = failures.get(request.ip);
    if (record && now - record.since > FAILURE_WINDOW_MS) failures.delete(request.ip);
    const current = failures.get(request.ip);
    if (current && current.count >= FREE_FAILURES) {
      const waitSeconds = Math.min(300, 2 ** (current.count - FREE_FAILURES));
      reply.header('retry-after', String(waitSeconds));
      reply
        .code(429)
        .send({ error: 'too_many_failures', message: `Too many failed attempts; wait ${waitSeconds} s.` });
      return;
    }
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !matchesDigest(given, expected)) {
      failures.set(request.ip, { count: (current?.count ?? 0) + 1, since: current?.since ?? now });
      reply.code(401).send({ error: 'unauthorized', message: 'Send Authorization: Bearer <token>.' });
      return;
    }
    failures.delete(request.ip);
    done();
  };
}
