import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('API tokens in the configuration', () => {
  it('binds the single token to DOCENT_API_TENANT, "default" unless set, and each listed token to its tenant', () => {
    expect(loadConfig({ DOCENT_API_TOKEN: 'one' }).http.apiTokens).toEqual([
      { tenant: 'default', token: 'one' },
    ]);
    expect(
      loadConfig({
        DOCENT_API_TOKEN: 'one',
        DOCENT_API_TENANT: 'acme',
        DOCENT_API_TOKENS: ' globex:two , initech:th:ree ,',
      }).http.apiTokens,
    ).toEqual([
      { tenant: 'acme', token: 'one' },
      { tenant: 'globex', token: 'two' },
      { tenant: 'initech', token: 'th:ree' },
    ]);
    expect(loadConfig({}).http.apiTokens).toEqual([]);
  });

  it('refuses a malformed entry without repeating the secret in it', () => {
    const problems = problemsOf({ DOCENT_API_TOKENS: 'globex:fine,no-tenant-secret,bad tenant:secret2' });
    expect(problems).toEqual([expect.stringMatching(/^DOCENT_API_TOKENS: entry 2 is not tenant:token/)]);
    expect(problems.join('\n')).not.toMatch(/no-tenant-secret|secret2/);
  });

  it('refuses one token given for two tenants', () => {
    expect(problemsOf({ DOCENT_API_TOKEN: 'same', DOCENT_API_TOKENS: 'globex:same' })).toEqual([
      expect.stringMatching(/^DOCENT_API_TOKENS: gives one token twice/),
    ]);
  });
});
