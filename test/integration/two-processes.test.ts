import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { type ServeProcess, startServeProcess } from '../helpers/serve-process.js';
import { answersIn, postSignedEvent } from '../helpers/slack-events.js';
import { until } from '../helpers/until.js';

// Two `docent serve` processes, as two machines behind a load balancer: one data directory
// (LanceDB), one Redis. Each check sends work to both and looks at what a user would see.
const SECRET = 'two-secret';
const tenant = `acme-${randomUUID().slice(0, 8)}`;
let slack: FakeSlack;
let dir: string;
let env: Record<string, string>;
const running: ServeProcess[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
  dir = await mkdtemp(path.join(tmpdir(), 'docent-two-'));
  env = {
    DATA_DIR: dir,
    REDIS_URL: 'redis://127.0.0.1:6379',
    JOB_QUEUE_PREFIX: `two-${randomUUID().slice(0, 8)}`,
    INGEST_JOB_LOCK_MS: '1500',
    RATE_LIMIT_PER_MINUTE: '2',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    // Two readers of the tenant: one asks for the cache check, the other is limited.
    DOCENT_API_TOKENS: `${tenant}:t,${tenant}:limited`,
    DOCENT_ADMIN_TOKEN: 'a',
  };
});

afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<ServeProcess> {
  const service = await startServeProcess(env);
  running.push(service);
  return service;
}

const sendEvent = (base: string, event: Record<string, unknown>, eventId: string) =>
  postSignedEvent(base, SECRET, event, eventId);

function ask(base: string, question: string, session: string, token = 't'): Promise<Response> {
  return fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ question, session_id: session, tenant }),
  });
}

// Three service start-ups and a lock take-over: the bound is generous for a busy machine, and
// every wait inside is on a condition.
it('shares jobs, dedupe, cache and limits between two processes, and survives one being killed', async () => {
  // A file shared through A, whose download hangs: A dies with the job in hand.
  const a = await start();
  // Fresh ids: Redis remembers handled events for a day, across runs of this test too.
  const channel = `C${randomUUID().slice(0, 6).toUpperCase()}`;
  const fileId = `F${randomUUID().slice(0, 6).toUpperCase()}`;
  const ts = '1800000200.000100';
  slack.files.set(fileId, {
    id: fileId,
    name: 'oncall.md',
    content: '# On call\n\nThe on-call engineer is paged through Opsgenie and answers within 15 minutes.',
    channel,
    ts,
  });
  slack.holdDownloads(true);
  const share = {
    type: 'message',
    subtype: 'file_share',
    channel_type: 'channel',
    user: 'U1',
    text: '',
    ts,
    channel,
  };
  expect((await sendEvent(a.base, { ...share, files: [{ id: fileId }] }, `Ev${fileId}`)).status).toBe(200);
  await until(() => slack.downloadsStarted() > 0, 60_000);
  const b = await start();
  a.child.kill('SIGKILL');
  await a.exited;
  slack.holdDownloads(false);
  // B takes the job over once A's lock runs out, and tells the file's thread.
  const indexed = await until(
    () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel),
    60_000,
  );
  expect(indexed.args).toMatchObject({ text: 'Indexed oncall.md: 1 passage.', thread_ts: ts });
  const docs = await fetch(`${b.base}/admin/documents?tenant=T1`, { headers: { authorization: 'Bearer a' } });
  const sources = ((await docs.json()) as { documents: { source: string }[] }).documents.map((d) => d.source);
  expect(sources.filter((s) => s === 'oncall.md')).toHaveLength(1);

  const c = await start();
  const form = new FormData();
  form.append(
    'file',
    new Blob(['# Backups\n\nBackups run nightly at 02:00 UTC and are kept 30 days.']),
    'backups.md',
  );
  const uploaded = await fetch(`${c.base}/admin/documents?tenant=${tenant}`, {
    method: 'POST',
    headers: { authorization: 'Bearer a' },
    body: form,
  });
  expect(uploaded.status).toBe(201);

  // An answer cached by one process is a hit on the other.
  const first = await (await ask(b.base, 'when do backups run?', 'cache-1')).json();
  expect(first).toMatchObject({ cached: false });
  expect(first.answer).toContain('02:00 UTC');
  const second = await (await ask(c.base, 'when do backups run?', 'cache-2')).json();
  expect(second).toMatchObject({ cached: true, answer: first.answer });

  // One person's limit (2 a minute) holds across both processes.
  expect((await ask(b.base, 'how long are backups kept?', 'limited', 'limited')).status).toBe(200);
  expect((await ask(c.base, 'how long are backups kept?', 'limited', 'limited')).status).toBe(200);
  const refused = await ask(b.base, 'how long are backups kept?', 'limited', 'limited');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

  // The same Slack event delivered to both processes is answered once.
  const both = `C${randomUUID().slice(0, 6).toUpperCase()}`;
  const mention = {
    type: 'app_mention',
    user: 'U2',
    text: '<@UBOT> which tool pages the on-call engineer?',
    ts: '1800000300.000100',
    channel: both,
  };
  const acks = await Promise.all([
    sendEvent(b.base, mention, `Ev${both}`),
    sendEvent(c.base, mention, `Ev${both}`),
  ]);
  expect(acks.map((r) => r.status)).toEqual([200, 200]);
  await until(() => answersIn(slack, both)[0], 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(answersIn(slack, both)).toHaveLength(1);
  expect(answersIn(slack, both)[0]).toContain('Opsgenie');
}, 400_000);
