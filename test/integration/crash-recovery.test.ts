import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { startServeProcess } from '../helpers/serve-process.js';
import { postSignedEvent } from '../helpers/slack-events.js';
import { until } from '../helpers/until.js';

const SECRET = 'crash-secret';
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

const sendEvent = (base: string, event: Record<string, unknown>, eventId: string) =>
  postSignedEvent(base, SECRET, event, eventId);

describe.each([
  { queue: 'the local journal', env: {} as Record<string, string> },
  {
    queue: 'the Redis queue',
    env: {
      REDIS_URL: 'redis://127.0.0.1:6379',
      JOB_QUEUE_PREFIX: `crash-${randomUUID().slice(0, 8)}`,
      INGEST_JOB_LOCK_MS: '1500',
    },
  },
])('a shared file survives SIGKILL mid-ingestion with $queue', ({ env }) => {
  it('is acknowledged once recorded, then indexed exactly once by the restarted service', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-crash-'));
    const channel = `C${randomUUID().slice(0, 6).toUpperCase()}`;
    const fileId = `F${randomUUID().slice(0, 6).toUpperCase()}`;
    const ts = '1800000100.000100';
    slack.files.set(fileId, {
      id: fileId,
      name: 'failover.md',
      content: '# Failover\n\nFail over to the standby region with the failover runbook in the ops wiki.',
      channel,
      ts,
    });
    const serviceEnv = {
      DATA_DIR: dir,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DOCENT_ADMIN_TOKEN: 'a',
      ...env,
    };
    const share = {
      type: 'message',
      subtype: 'file_share',
      channel_type: 'channel',
      user: 'U1',
      text: '',
      ts,
      channel,
      files: [{ id: fileId }],
    };
    // The download never finishes while held: the first process dies in the middle of the job.
    slack.holdDownloads(true);
    const downloadsBefore = slack.downloadsStarted();
    const first = await startServeProcess(serviceEnv);
    let second: Awaited<ReturnType<typeof startServeProcess>> | undefined;
    try {
      expect((await sendEvent(first.base, share, `Ev-${fileId}`)).status).toBe(200);
      await until(() => slack.downloadsStarted() > downloadsBefore, 10_000);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(0);

      slack.holdDownloads(false);
      second = await startServeProcess(serviceEnv);
      // Nobody waits for the resumed job, so the service tells the channel itself, in the file's thread.
      const posted = await until(
        () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel),
        20_000,
      );
      expect(posted.args).toMatchObject({ text: 'Indexed failover.md: 1 passage.', thread_ts: ts });
      const listed = await fetch(`${second.base}/admin/documents?tenant=T1`, {
        headers: { authorization: 'Bearer a' },
      }).then((r) => r.json() as Promise<{ documents: { source: string; passages: number }[] }>);
      expect(listed.documents.filter((d) => d.source === 'failover.md')).toEqual([
        expect.objectContaining({ source: 'failover.md', passages: 1 }),
      ]);
      // Slack's redelivery of the same event after the crash is not a second job, nor a second
      // message (the channel's posts are a second apart, so two seconds would show one).
      expect((await sendEvent(second.base, share, `Ev-${fileId}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2000));
      expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await second?.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a shared file that the service keeps dying on, with the local journal', () => {
  it('is failed for good once its attempts are used up, and the person is told why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-crashloop-'));
    const channel = `C${randomUUID().slice(0, 6).toUpperCase()}`;
    const fileId = `F${randomUUID().slice(0, 6).toUpperCase()}`;
    const ts = '1800000500.000100';
    slack.files.set(fileId, { id: fileId, name: 'bomb.md', content: '# Bomb\n\nText.', channel, ts });
    const serviceEnv = {
      DATA_DIR: dir,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DOCENT_ADMIN_TOKEN: 'a',
      INGEST_JOB_ATTEMPTS: '2',
    };
    const share = { type: 'message', subtype: 'file_share', channel_type: 'channel', user: 'U1', text: '' };
    // Every start dies in the middle of the file, as one that exhausts the machine's memory would.
    slack.holdDownloads(true);
    const started: Awaited<ReturnType<typeof startServeProcess>>[] = [];
    try {
      for (let life = 1; life <= 2; life++) {
        const downloads = slack.downloadsStarted();
        const service = await startServeProcess(serviceEnv);
        started.push(service);
        if (life === 1) {
          const event = { ...share, ts, channel, files: [{ id: fileId }] };
          expect((await sendEvent(service.base, event, `Ev-${fileId}`)).status).toBe(200);
        }
        await until(() => slack.downloadsStarted() > downloads, 60_000);
        service.child.kill('SIGKILL');
        await service.exited;
      }
      const downloads = slack.downloadsStarted();
      const last = await startServeProcess(serviceEnv);
      started.push(last);
      const reason = 'the service stopped while ingesting it 2 times, so it is not tried again.';
      const posted = await until(
        () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel),
        60_000,
      );
      expect(posted.args).toMatchObject({ text: `Could not index bomb.md: ${reason}`, thread_ts: ts });
      const failed = await fetch(`${last.base}/admin/jobs/failed?tenant=T1`, {
        headers: { authorization: 'Bearer a' },
      });
      expect(((await failed.json()) as { jobs: unknown[] }).jobs).toEqual([
        expect.objectContaining({ file: 'bomb.md', reason: `bomb.md: ${reason}` }),
      ]);
      expect(slack.downloadsStarted()).toBe(downloads);
    } finally {
      slack.holdDownloads(false);
      for (const service of started) service.child.kill('SIGKILL');
      await Promise.all(started.map((s) => s.exited));
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
