import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { PostgresDatabase } from '../helpers/postgres-database.js';

const API = 'shared-history-api';
const ADMIN = 'shared-history-admin';

describe('two instances on one PostgreSQL (DATABASE_URL)', () => {
  let database: PostgresDatabase;
  let first: RunningService;
  let second: RunningService;
  beforeAll(async () => {
    database = await PostgresDatabase.create();
    const env = { DATABASE_URL: database.url, DOCENT_API_TOKEN: API, DOCENT_ADMIN_TOKEN: ADMIN };
    [first, second] = await Promise.all([startHttpService(env), startHttpService(env)]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await database?.drop();
  });

  const ask = async (service: RunningService, question: string) => {
    const res = await fetch(`${service.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    expect(res.status).toBe(200);
  };
  const stats = async (service: RunningService) =>
    (await fetch(`${service.url}/admin/stats`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();

  it('report the same totals, whichever instance answered', async () => {
    await ask(first, 'where do I park my bike?');
    await ask(second, 'who runs payroll?');
    await ask(second, 'where do I park my bike');
    // Each instance writes an answer just after replying: another sees it a moment later.
    const both = async () => {
      for (;;) {
        const [a, b] = [await stats(first), await stats(second)];
        if (a.questions === 3 && b.questions === 3) return [a, b];
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const [a, b] = await both();
    expect(a).toMatchObject({ questions: 3, unanswered_rate: 1 });
    expect(b).toEqual(a);
  });
});
