import { describe, expect, it } from 'vitest';
import { bearerCheck, isRefusal } from '../../src/http/auth.js';

const holders = (token: string) => [{ token, tenant: 'acme' }];
const allowed = (token: string, header: string | undefined, address = `10.0.0.${Math.random()}`) =>
  !isRefusal(bearerCheck(holders(token), 'DOCENT_API_TOKEN', '/api')(address, header));

describe('bearer check', () => {
  it('lets in only a configured token, whole', () => {
    expect(allowed('s3cret', 'Bearer s3cret')).toBe(true);
    expect(allowed('s3cret', 'bearer s3cret')).toBe(true);
    for (const wrong of ['s3creT', 's3cre', 's3crett', 's3cret ', '', 'xs3cret'])
      expect(allowed('s3cret', `Bearer ${wrong}`)).toBe(false);
    expect(allowed('s3cret', 's3cret')).toBe(false);
    expect(allowed('s3cret', undefined)).toBe(false);
  });

  it('compares long tokens, and tokens outside ASCII, exactly', () => {
    const long = 'k'.repeat(300);
    expect(allowed(long, `Bearer ${long}`)).toBe(true);
    expect(allowed(long, `Bearer ${long.slice(0, 299)}x`)).toBe(false);
    expect(allowed(long, `Bearer ${long}k`)).toBe(false);
    expect(allowed('é', 'Bearer é')).toBe(true);
    expect(allowed('é', 'Bearer é€')).toBe(false);
    expect(allowed('é', 'Bearer e')).toBe(false);
  });

  it('says which tenant a token reads, and names its holder by a digest, never the token', () => {
    const check = bearerCheck(
      [
        { token: 'token-a', tenant: 'acme' },
        { token: 'token-b', tenant: 'globex' },
      ],
      'DOCENT_API_TOKENS',
      '/api',
    );
    const a = check('1.1.1.1', 'Bearer token-a');
    const b = check('1.1.1.1', 'Bearer token-b');
    expect(a).toMatchObject({ tenant: 'acme' });
    expect(b).toMatchObject({ tenant: 'globex' });
    expect(isRefusal(a) || isRefusal(b) || a.id === b.id).toBe(false);
    expect(JSON.stringify(a)).not.toContain('token-a');
  });

  it('says what to set when no token is configured', () => {
    expect(bearerCheck([], 'DOCENT_ADMIN_TOKEN', '/admin')('1.2.3.4', 'Bearer x')).toEqual({
      status: 403,
      body: { error: 'disabled', message: 'Set DOCENT_ADMIN_TOKEN to enable /admin.' },
    });
  });

  it('tells a missing token from a wrong one', () => {
    const check = bearerCheck(holders('s3cret'), 'DOCENT_API_TOKEN', '/api');
    expect(check('1.1.1.1', undefined)).toMatchObject({
      status: 401,
      body: { message: 'No token: send Authorization: Bearer <token> to use /api.' },
    });
    expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({
      status: 401,
      body: { message: 'The bearer token is not valid for /api.' },
    });
  });

  it('never refuses a valid token for the failures of others at the same address', () => {
    const now = 0;
    const check = bearerCheck(holders('s3cret'), 'DOCENT_API_TOKEN', '/api', () => now);
    for (let i = 0; i < 5; i++) expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 401 });
    expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 429 });
    expect(isRefusal(check('1.1.1.1', 'Bearer s3cret'))).toBe(false);
    // Nor do they lift the wait of the failing.
    expect(check('1.1.1.1', undefined)).toMatchObject({ status: 429 });
    expect(isRefusal(check('2.2.2.2', 'Bearer nope'))).toBe(true);
    expect(check('2.2.2.2', 'Bearer nope')).toMatchObject({ status: 401 });
  });

  it('makes Retry-After the wait until the next attempt is looked at, doubling with each failure', () => {
    let now = 0;
    const check = bearerCheck(holders('s3cret'), 'DOCENT_API_TOKEN', '/api', () => now);
    for (let i = 0; i < 5; i++) check('1.1.1.1', 'Bearer nope');
    for (const expectedSeconds of [1, 2, 4, 8]) {
      const refused = check('1.1.1.1', 'Bearer nope');
      expect(refused).toMatchObject({ status: 429, headers: { 'retry-after': String(expectedSeconds) } });
      const seconds = Number(isRefusal(refused) && refused.headers?.['retry-after']);
      now += seconds * 1000 - 1;
      expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
      now += 1;
      // Exactly when Retry-After said: looked at, and refused as wrong.
      expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 401 });
    }
  });

  it('forgets an address a minute after its last failure or wait', () => {
    let now = 0;
    const check = bearerCheck(holders('s3cret'), 'DOCENT_API_TOKEN', '/api', () => now);
    for (let i = 0; i < 5; i++) check('1.1.1.1', 'Bearer nope');
    check('3.3.3.3', 'Bearer nope');
    expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 429 });
    now = 1000 + 60_001;
    // Another address's request sweeps the old records; the waiting address starts afresh.
    expect(check('2.2.2.2', 'Bearer nope')).toMatchObject({ status: 401 });
    for (let i = 0; i < 5; i++) expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 401 });
    expect(check('1.1.1.1', 'Bearer nope')).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
  });
});
