import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { BoundedMap } from '../stores/trim-oldest.js';

const FAILURE_WINDOW_MS = 60_000;
const FREE_FAILURES = 5;
const MAX_FAILING_ADDRESSES = 10_000;

// Given tokens are compared within a window at least this long, so where the time taken stops
// growing with a longer guess says nothing about the configured token's length.
const COMPARE_WINDOW_BYTES = 256;

/**
 * A constant-time comparison with one configured token: the given token is written, zero-filled,
 * into a window longer than the configured one and compared whole with the configured token padded
 * the same way. The time depends only on the length of the guess, never on how much of it is right.
 * (Hashing both sides does the same at ten times the cost, and this runs on every API request.)
 */
function tokenMatcher(token: string): (given: string) => boolean {
  const expectedLength = Buffer.byteLength(token);
  const expected = Buffer.alloc(Math.max(COMPARE_WINDOW_BYTES, expectedLength + 1));
  expected.write(token);
  const scratch = Buffer.alloc(expected.length);
  return (given) => {
    scratch.fill(0);
    scratch.write(given);
    // Of the same length, the guess fits the window whole, so comparing the windows compares it all.
    const sameLength = Buffer.byteLength(given) === expectedLength;
    return timingSafeEqual(scratch, expected) && sameLength;
  };
}

/** Why a request may not go on: the status, body and headers to answer with. */
export interface Refusal {
  status: number;
  body: { error: string; message: string };
  headers?: Record<string, string>;
}

/**
 * Bearer-token check for one route prefix, free of any framework. Without a configured token the
 * routes refuse and say what to set; an address that keeps failing is told to wait, longer each
 * time. Returns undefined when the request may go on.
 */
export function bearerCheck(
  token: string | undefined,
  variable: string,
  prefix: string,
  clock: () => number = Date.now,
) {
  // Bounded, and swept of records past their window: addresses that fail once and never come
  // back must not pile up, nor keep valid requests off the path that skips this map.
  const failures = new BoundedMap<string, { count: number; since: number }>(MAX_FAILING_ADDRESSES);
  let sweptAt = clock();
  const matches = token ? tokenMatcher(token) : undefined;
  return (address: string, authorization: string | undefined): Refusal | undefined => {
    if (!matches)
      return { status: 403, body: { error: 'disabled', message: `Set ${variable} to enable ${prefix}.` } };
    const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    const valid = given !== '' && matches(given);
    // The usual case, a valid token and no failures on record, needs neither the clock nor the map.
    if (valid && failures.size === 0) return undefined;
    const now = clock();
    if (now - sweptAt > FAILURE_WINDOW_MS) {
      sweptAt = now;
      for (const [failing, { since }] of failures)
        if (now - since > FAILURE_WINDOW_MS) failures.delete(failing);
    }
    let current = failures.get(address);
    if (current && now - current.since > FAILURE_WINDOW_MS) {
      failures.delete(address);
      current = undefined;
    }
    if (current && current.count >= FREE_FAILURES) {
      const waitSeconds = Math.min(300, 2 ** (current.count - FREE_FAILURES));
      return {
        status: 429,
        body: { error: 'too_many_failures', message: `Too many failed attempts; wait ${waitSeconds} s.` },
        headers: { 'retry-after': String(waitSeconds) },
      };
    }
    if (!valid) {
      failures.set(address, { count: (current?.count ?? 0) + 1, since: current?.since ?? now });
      return { status: 401, body: { error: 'unauthorized', message: 'Send Authorization: Bearer <token>.' } };
    }
    if (current) failures.delete(address);
    return undefined;
  };
}

/** The bearer check as a Fastify onRequest hook for the routes under `prefix`. */
export function bearerGuard(token: string | undefined, variable: string, prefix: string) {
  const check = bearerCheck(token, variable, prefix);
  // Callback style: it runs before every guarded request, and an async hook costs a promise each time.
  // Replying ends the request; only a request that may go on calls done().
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const refusal = check(request.ip, request.headers.authorization);
    if (!refusal) {
      done();
      return;
    }
    reply
      .code(refusal.status)
      .headers(refusal.headers ?? {})
      .send(refusal.body);
  };
}
