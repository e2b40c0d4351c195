import { describe, expect, it } from 'vitest';
import { bearerCheck } from '../../src/http/auth.js';

const allowed = (token: string, header: string | undefined, address = `10.0.0.${Math.random()}`) =>
  bearerCheck(token, 'DOCENT_API_TOKEN', '/api')(address, header) === undefined;

describe('bearer check', () => {
  it('lets in only the configured token, whole', () => {
    expect(allowed('s3cret', 'Bearer s3cret')).toBe(true);
    for (const wrong of ['s3creT', 's3cre', 's3crett', 's3cret ', '', 'xs3cret'])
      expect(allowed('s3cret', `Bearer ${wrong}`)).toBe(false);
    expect(allowed('s3cret', 's3cret')).toBe(false);
    expect(allowed('s3cret', undefined)).toBe(false);
  });

  it('compares tokens longer than its comparison window, and tokens outside ASCII, exactly', () => {
    const long = 'k'.repeat(300);
    expect(allowed(long, `Bearer ${long}`)).toBe(true);
    expect(allowed(long, `Bearer ${long.slice(0, 299)}x`)).toBe(false);
    expect(allowed(long, `Bearer ${long}k`)).toBe(false);
    // The same number of characters as "é" plus one, and a guess whose last character would not
    // fit after it: neither may pass for the token.
    expect(allowed('é', 'Bearer é')).toBe(true);
    expect(allowed('é', 'Bearer é€')).toBe(false);
    expect(allowed('é', 'Bearer e')).toBe(false);
  });

  it('says what to set when no token is configured', () => {
    expect(bearerCheck(undefined, 'DOCENT_ADMIN_TOKEN', '/admin')('1.2.3.4', 'Bearer x')).toEqual({
      status: 403,
      body: { error: 'disabled', message: 'Set DOCENT_ADMIN_TOKEN to enable /admin.' },
    });
  });

  it('makes an address that keeps failing wait, longer each time, and leaves other addresses alone', () => {
    const check = bearerCheck('s3cret', 'DOCENT_API_TOKEN', '/api');
    for (let i = 0; i < 5; i++) expect(check('1.1.1.1', 'Bearer nope')?.status).toBe(401);
    const first = check('1.1.1.1', 'Bearer s3cret');
    expect(first?.status).toBe(429);
    expect(first?.headers).toEqual({ 'retry-after': '1' });
    expect(check('1.1.1.1', 'Bearer nope')?.headers).toEqual({ 'retry-after': '1' });
    expect(check('2.2.2.2', 'Bearer s3cret')).toBeUndefined();
  });

  it('forgets an address’s failures a minute after they started', () => {
    let now = 0;
    const check = bearerCheck('s3cret', 'DOCENT_API_TOKEN', '/api', () => now);
    for (let i = 0; i < 5; i++) check('1.1.1.1', 'Bearer nope');
    check('3.3.3.3', 'Bearer nope');
    expect(check('1.1.1.1', 'Bearer s3cret')?.status).toBe(429);
    now = 61_000;
    // Another address's request sweeps the old records; the locked-out address starts afresh.
    expect(check('2.2.2.2', 'Bearer s3cret')).toBeUndefined();
    expect(check('1.1.1.1', 'Bearer s3cret')).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(check('1.1.1.1', 'Bearer nope')?.status).toBe(401);
    expect(check('1.1.1.1', 'Bearer nope')?.status).toBe(429);
  });
});
