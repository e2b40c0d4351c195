import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/core/message.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const ADMIN = 'admin-secret';
let svc: RunningService;

/** A file shared in Slack that can never be read: no Slack fetcher is registered in this service. */
function unreadableShare(tenantId: string, name: string): InboundMessage {
  return {
    platform: 'slack',
    eventId: `share-${tenantId}-${name}`,
    tenantId,
    channelId: 'C1',
    userId: 'U1',
    threadId: `C1:${name}`,
    isDirectMessage: false,
    isPrivateChannel: false,
    text: '',
    files: [{ name, url: `https://files.slack.com/${tenantId}/${name}` }],
  };
}

const failedJobs = async (query = '') => {
  const res = await fetch(`${svc.url}/admin/jobs/failed${query}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { jobs: { id: string; tenant: string; file: string }[] }).jobs;
};

beforeAll(async () => {
  svc = await startHttpService({ DOCENT_ADMIN_TOKEN: ADMIN, RATE_LIMIT_PER_MINUTE: '0' });
  await svc.services.jobs.start();
  for (const [tenantId, name] of [
    ['acme', 'acme-notes.md'],
    ['globex', 'globex-notes.md'],
    ['default', 'default-notes.md'],
  ] as const) {
    const outcome = await svc.services.handleMessage(unreadableShare(tenantId, name));
    expect(outcome).toMatchObject({ kind: 'ingested', files: [{ status: 'failed' }] });
  }
});
afterAll(async () => svc.stop());

describe('GET /admin/jobs/failed', () => {
  it('lists every tenant’s failed jobs, newest first, when no tenant is named', async () => {
    expect((await failedJobs()).map((j) => [j.tenant, j.file])).toEqual([
      ['default', 'default-notes.md'],
      ['globex', 'globex-notes.md'],
      ['acme', 'acme-notes.md'],
    ]);
  });

  it('lists only the named tenant’s failed jobs', async () => {
    expect((await failedJobs('?tenant=globex')).map((j) => j.file)).toEqual(['globex-notes.md']);
    expect((await failedJobs('?tenant=default')).map((j) => j.file)).toEqual(['default-notes.md']);
    expect(await failedJobs('?tenant=initech')).toEqual([]);
    const invalid = await fetch(`${svc.url}/admin/jobs/failed?tenant=a%20b`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(invalid.status).toBe(400);
  });

  it('keeps to the limit across tenants', async () => {
    expect((await failedJobs('?limit=2')).map((j) => j.tenant)).toEqual(['default', 'globex']);
  });
});

describe('POST /admin/jobs/failed/:id/retry', () => {
  const retry = (id: string) =>
    fetch(`${svc.url}/admin/jobs/failed/${id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });

  it('runs a failed job again and says how it went', async () => {
    const [job] = await failedJobs('?tenant=acme');
    const res = await retry(job?.id ?? '');
    expect(res.status).toBe(200);
    // Still no Slack here to read the file from: it fails again, for the same reason.
    expect(await res.json()).toMatchObject({
      outcome: {
        name: 'acme-notes.md',
        status: 'failed',
        reason: expect.stringContaining('slack is not connected'),
      },
    });
    expect((await failedJobs('?tenant=acme')).map((j) => j.file)).toEqual(['acme-notes.md', 'acme-notes.md']);
  });

  it('answers 404 for a job that did not fail', async () => {
    expect((await retry('no-such-job')).status).toBe(404);
  });
});
