import { DocentError } from '../../core/errors.js';

/** What Octokit throws for an HTTP answer that is not a success (a RequestError). */
interface HttpFailure {
  status: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

export function httpStatus(error: unknown): number | undefined {
  const status = (error as Partial<HttpFailure> | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * GitHub's primary rate limit answers 403 or 429 with `x-ratelimit-remaining: 0` and the reset
 * time; a secondary one sends `retry-after`. Undefined for any other failure.
 */
export function rateLimitError(error: unknown, now = Date.now()): DocentError | undefined {
  const status = httpStatus(error);
  if (status !== 403 && status !== 429) return undefined;
  const headers = (error as HttpFailure).response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const reset = Number(headers['x-ratelimit-reset']);
  let when: number | undefined;
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) when = now + retryAfter * 1000;
  else if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) when = reset * 1000;
  else if (status === 403) return undefined;
  const at = when === undefined ? 'shortly' : `at ${new Date(when).toISOString()}`;
  return new DocentError(
    'throttled',
    `GitHub's rate limit was reached; it resets ${at}, and the next sync retries (a token raises the limit).`,
  );
}

/** The listing's failure as one sentence: rate limit, refused token, or a repository or branch not found. */
export function listingError(error: unknown, what: string): DocentError {
  const limited = rateLimitError(error);
  if (limited) return limited;
  const status = httpStatus(error);
  if (status === 401)
    return new DocentError(
      'invalid_input',
      `GitHub refused the token for ${what}: check the source's token.`,
    );
  if (status === 404 || status === 403)
    return new DocentError(
      'invalid_input',
      `${what} was not found on GitHub, or the token cannot read it (a private repository needs read access to its contents).`,
    );
  const why =
    status === undefined ? `could not be reached (${(error as Error)?.message})` : `answered ${status}`;
  return new DocentError('unreadable', `GitHub ${why} for ${what}; nothing was read.`);
}
