import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, startServeProcess } from '../helpers/serve-process.js';

const API = 'history-api-token';
const ADMIN = 'history-admin-token';

async function ask(service: ServeProcess, question: string, session: string) {
  const res = await fetch(`${service.base}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question, session_id: session }),
  });
  expect(res.status).toBe(200);
}

async function admin(service: ServeProcess, route: string) {
  const res = await fetch(`${service.base}${route}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return res.json();
}

async function upload(service: ServeProcess, name: string, text: string) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/markdown' }), name);
  const res = await fetch(`${service.base}/admin/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
    body: form,
  });
  expect(res.status).toBe(201);
}

/** What an admin reads about usage and gaps: it must be the same before and after a crash. */
const reports = async (service: ServeProcess) => ({
  stats: await admin(service, '/admin/stats'),
  gaps: await admin(service, '/admin/questions/unanswered'),
});

describe('the question history in DATA_DIR', () => {
  let dir: string;
  let env: Record<string, string>;
  let service: ServeProcess | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-history-'));
    env = { DATA_DIR: dir, DOCENT_API_TOKEN: API, DOCENT_ADMIN_TOKEN: ADMIN, INGEST_THREADS: '0' };
  });
  afterAll(async () => {
    // A failed run must not leave a service behind.
    service?.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the same counts and gaps after a clean restart and after SIGKILL', async () => {
    service = await startServeProcess(env);
    await upload(service, 'leave.md', '# Leave\n\nEveryone gets 25 days of paid leave a year.');
    await ask(service, 'how many days of paid leave?', 's1');
    await ask(service, 'how many days of paid leave?', 's2');
    await ask(service, 'where do I park my bike?', 's3');
    await ask(service, 'Where do I park my bike', 's4');
    const before = await reports(service);
    expect(before.stats).toMatchObject({ questions: 4, cache_hit_rate: 0.25, unanswered_rate: 0.5 });
    expect(before.gaps.questions).toEqual([expect.objectContaining({ count: 2 })]);

    service.child.kill('SIGTERM');
    await service.exited;
    service = await startServeProcess(env);
    expect(await reports(service)).toEqual(before);

    // Asked, then the process killed outright: what the admin saw is still there after the restart.
    await ask(service, 'who runs payroll?', 's5');
    const seen = await reports(service);
    expect(seen.stats.questions).toBe(5);
    service.child.kill('SIGKILL');
    await service.exited;
    service = await startServeProcess(env);
    expect(await reports(service)).toEqual(seen);
    service.child.kill('SIGTERM');
    await service.exited;
    // Three starts of the service: on a loaded machine each can take many seconds.
  }, 150_000);
});
