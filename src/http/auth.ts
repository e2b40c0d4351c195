import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { LRUCache } from 'lru-cache';

/** Failed attempts an address may make before it waits. */
const FREE_FAILURES = 5;
/** The longest wait; each failure past the free ones doubles it, from one second. */
const LONGEST_WAIT_MS = 300_000;
/** An address whose last failure (or wait) ended this long ago starts afresh. */
const FORGET_AFTER_MS = 60_000;
const MAX_FAILING_ADDRESSES = 10_000;

/** A configured bearer token, and the one tenant it reads (undefined for the admin token). */
export interface TokenHolder<Tenant> {
  token: string;
  tenant: Tenant;
}

/** Who a valid token speaks for. */
export interface Caller<Tenant> {
  /** Derived from the token, never the token: limits and conversations are keyed by it. */
  id: string;
  tenant: Tenant;
}

/** Why a request may not go on: the status, body and headers to answer with. */
export interface Refusal {
  status: number;
  body: { error: string; message: string };
  headers?: Record<string, string>;
}

export function isRefusal<Tenant>(result: Caller<Tenant> | Refusal): result is Refusal {
  return 'status' in result;
}

/** Failures of one address: how many in a row, the last one, and until when it must wait. */
interface Failures {
  count: number;
  lastAt: number;
  blockedUntil: number;
}

const sha256 = (text: string) => hash('sha256', text, 'buffer');

/**
 * The holder of a given token, if any. Both sides are SHA-256 digests, 32 bytes whatever the
 * token, so timingSafeEqual compares them whole and the time taken says nothing about how much of
 * a guess is right, nor how long a token is. Every configured token is compared, every time.
 */
function tokenMatcher<Tenant>(
  holders: readonly TokenHolder<Tenant>[],
): (given: string) => Caller<Tenant> | undefined {
  const known = holders.map(({ token, tenant }) => ({
    digest: sha256(token),
    caller: { id: sha256(`docent caller\n${token}`).toString('hex').slice(0, 16), tenant },
  }));
  return (given) => {
    const digest = sha256(given);
    let found: Caller<Tenant> | undefined;
    for (const { digest: expected, caller } of known) if (timingSafeEqual(digest, expected)) found = caller;
    return found;
  };
}

/** The token of an `Authorization: Bearer <token>` header; undefined when none is given. */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization?.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return authorization.length > 7 ? authorization.slice(7) : undefined;
}

/**
 * Bearer-token check for one route prefix, free of any framework. Without a configured token the
 * routes refuse and say what to set. A valid token always goes on: behind a proxy every client
 * shares one address, and others' failures are not its holder's. Requests without a valid token
 * are counted per address; past five, that address waits before its next one is even looked at,
 * one second, then twice as long after each further failure, up to five minutes.
 */
export function bearerCheck<Tenant>(
  holders: readonly TokenHolder<Tenant>[],
  variable: string,
  prefix: string,
  clock: () => number = Date.now,
) {
  // Bounded, and swept of forgotten records: addresses that fail once and never come back must
  // not pile up.
  const failures = new LRUCache<string, Failures>({ max: MAX_FAILING_ADDRESSES });
  let sweptAt = clock();
  const match = holders.length > 0 ? tokenMatcher(holders) : undefined;
  const disabled: Refusal = {
    status: 403,
    body: { error: 'disabled', message: `Set ${variable} to enable ${prefix}.` },
  };
  return (address: string, authorization: string | undefined): Caller<Tenant> | Refusal => {
    if (!match) return disabled;
    const given = bearerToken(authorization);
    const caller = given === undefined ? undefined : match(given);
    if (caller) return caller;
    const now = clock();
    if (now - sweptAt > FORGET_AFTER_MS) {
      sweptAt = now;
      for (const [failing, record] of [...failures.entries()])
        if (forgotten(record, now)) failures.delete(failing);
    }
    let record = failures.get(address);
    if (record && forgotten(record, now)) record = undefined;
    if (record && now < record.blockedUntil) return tooManyFailures(record.blockedUntil - now);
    const count = (record?.count ?? 0) + 1;
    const wait = count < FREE_FAILURES ? 0 : Math.min(LONGEST_WAIT_MS, 1000 * 2 ** (count - FREE_FAILURES));
    failures.set(address, { count, lastAt: now, blockedUntil: now + wait });
    return given === undefined ? missingToken(prefix) : wrongToken(prefix);
  };
}

function forgotten(record: Failures, now: number): boolean {
  return now - Math.max(record.lastAt, record.blockedUntil) > FORGET_AFTER_MS;
}

function missingToken(prefix: string): Refusal {
  return {
    status: 401,
    body: {
      error: 'unauthorized',
      message: `No token: send Authorization: Bearer <token> to use ${prefix}.`,
    },
    headers: { 'www-authenticate': 'Bearer' },
  };
}

function wrongToken(prefix: string): Refusal {
  return {
    status: 401,
    body: { error: 'unauthorized', message: `The bearer token is not valid for ${prefix}.` },
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  };
}

/** Retry-After is the whole seconds until this address's next attempt is looked at again. */
function tooManyFailures(waitMs: number): Refusal {
  const seconds = Math.ceil(waitMs / 1000);
  return {
    status: 429,
    body: {
      error: 'too_many_failures',
      message: `Too many attempts without a valid token; try again in ${seconds} s.`,
    },
    headers: { 'retry-after': String(seconds) },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for, on routes behind `bearerGuard`. */
    caller?: Caller<string | undefined>;
  }
}

/**
 * The bearer check as a Fastify onRequest hook for the routes under `prefix`: a request that may go
 * on carries its caller, any other is answered here.
 */
export function bearerGuard<Tenant extends string | undefined>(
  holders: readonly TokenHolder<Tenant>[],
  variable: string,
  prefix: string,
) {
  const check = bearerCheck(holders, variable, prefix);
  // Callback style: it runs before every guarded request, and an async hook costs a promise each time.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const result = check(request.ip, request.headers.authorization);
    if (isRefusal(result)) {
      reply
        .code(result.status)
        .headers(result.headers ?? {})
        .send(result.body);
      return;
    }
    request.caller = result;
    done();
  };
}
