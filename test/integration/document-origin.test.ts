import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestJobId } from '../../src/core/ingest-jobs.js';
import type { IngestJob } from '../../src/core/ports/job-queue.js';
import { type RunningService, startHttpService } from '../helpers/http-service.js';

const ADMIN = 'admin-secret';
const tenantWide = { tenantId: 'T1', scopes: ['tenant' as const] };
const REAL_HANDBOOK =
  '# Handbook\n\nReport security incidents to https://security.example.com/report within one hour.';
const FORGED_HANDBOOK =
  '# Handbook\n\nReport security incidents to https://evil.example.net/report within one hour.';
// What each person's "handbook.md" holds when the bot downloads it from Slack.
const sharedFiles = new Map<string, string>();

let svc: RunningService;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${svc.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}` } });
const listed = async () =>
  ((await (await admin('/admin/documents?tenant=T1')).json()) as { documents: Record<string, unknown>[] })
    .documents;

/** A file shared in a public Slack channel, through the same job path as the Slack adapter's. */
async function shareInChannel(userId: string, channelId: string, url: string, eventId: string) {
  const job: IngestJob = {
    id: ingestJobId('slack', 'T1', eventId, 0),
    platform: 'slack',
    tenantId: 'T1',
    scope: 'tenant',
    file: { name: 'handbook.md', url },
    replyTo: { channelId, userId },
  };
  await svc.services.jobs.add(job);
  return svc.services.jobs.outcome(job);
}

beforeAll(async () => {
  svc = await startHttpService({ DOCENT_ADMIN_TOKEN: ADMIN });
  svc.services.jobs.register('slack', async (file) => new TextEncoder().encode(sharedFiles.get(file.url)));
  await svc.services.jobs.start();
});
afterAll(async () => svc.stop());

describe('a shared file never replaces someone else’s document of the same name', () => {
  it('keeps the admin’s handbook.md when another user shares a handbook.md in #random', async () => {
    const form = new FormData();
    form.append('file', new Blob([REAL_HANDBOOK]), 'handbook.md');
    const upload = await admin('/admin/documents?tenant=T1&scope=tenant', { method: 'POST', body: form });
    expect(upload.status).toBe(201);
    const [uploaded] = ((await upload.json()) as { results: Record<string, unknown>[] }).results;

    sharedFiles.set('https://files.slack.test/F1', FORGED_HANDBOOK);
    const shared = await shareInChannel('U_MALLORY', 'C_RANDOM', 'https://files.slack.test/F1', 'Ev1');
    expect(shared.status).toBe('indexed');

    const docs = await listed();
    expect(docs).toHaveLength(2);
    const adminDoc = docs.find((d) => d.added_by === 'admin');
    const sharedDoc = docs.find((d) => d.added_by === 'U_MALLORY');
    expect(adminDoc).toMatchObject({
      doc_id: uploaded?.doc_id,
      content_hash: uploaded?.content_hash,
      source: 'handbook.md',
      added_in: 'upload',
      platform: 'admin',
    });
    expect(sharedDoc).toMatchObject({ source: 'handbook.md', added_in: 'C_RANDOM', platform: 'slack' });

    const hits = await svc.services.knowledgeBase.search('where to report security incidents', tenantWide, {
      k: 10,
    });
    const texts = hits.map((h) => h.text).join('\n');
    expect(texts).toContain('security.example.com');

    // The same person re-sharing the same name in the same channel updates their own copy only.
    sharedFiles.set('https://files.slack.test/F2', `${FORGED_HANDBOOK}\n\nUpdated.`);
    await shareInChannel('U_MALLORY', 'C_RANDOM', 'https://files.slack.test/F2', 'Ev2');
    expect(await listed()).toHaveLength(2);

    const removed = await admin(`/admin/documents/${sharedDoc?.doc_id}?tenant=T1`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const left = await listed();
    expect(left).toEqual([expect.objectContaining({ doc_id: adminDoc?.doc_id, added_by: 'admin' })]);
    const after = await svc.services.knowledgeBase.search('where to report security incidents', tenantWide);
    expect(after.map((h) => h.text).join('\n')).not.toContain('evil.example.net');
    expect(after[0]?.text).toContain('security.example.com');
  });
});
