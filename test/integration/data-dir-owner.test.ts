import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { runCli } from '../helpers/run-cli.js';
import { startServeProcess } from '../helpers/serve-process.js';
import { postSignedEvent } from '../helpers/slack-events.js';
import { until } from '../helpers/until.js';

const SECRET = 'owner-secret';
let slack: FakeSlack;
let root: string;

beforeAll(async () => {
  slack = await startFakeSlack();
  root = await mkdtemp(path.join(tmpdir(), 'docent-owner-'));
});
afterAll(async () => {
  await slack.close();
  await rm(root, { recursive: true, force: true });
});

/** What the journal is on disk: its text and its inode (a rewritten journal has a new one). */
async function journalState(dataDir: string) {
  const file = path.join(dataDir, 'jobs', 'ingest-jobs.jsonl');
  return { text: await readFile(file, 'utf8'), inode: (await stat(file)).ino };
}

async function documents(base: string, tenant: string): Promise<{ doc_id: string; source: string }[]> {
  const response = await fetch(`${base}/admin/documents?tenant=${tenant}`, {
    headers: { authorization: 'Bearer a' },
  });
  return ((await response.json()) as { documents: { doc_id: string; source: string }[] }).documents;
}

async function upload(base: string, tenant: string, name: string, text: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const response = await fetch(`${base}/admin/documents?tenant=${tenant}`, {
    method: 'POST',
    headers: { authorization: 'Bearer a' },
    body: form,
  });
  expect(response.status).toBe(201);
}

describe('a data directory owned by a running docent serve (no Redis)', () => {
  it('refuses CLI writes, naming the server, and leaves its journal and its jobs alone', async () => {
    const dataDir = path.join(root, 'alone');
    const channel = `C${randomUUID().slice(0, 6).toUpperCase()}`;
    const fileId = `F${randomUUID().slice(0, 6).toUpperCase()}`;
    const ts = '1800000400.000100';
    slack.files.set(fileId, {
      id: fileId,
      name: 'escalation.md',
      content: '# Escalation\n\nEscalate a sev-1 incident to the duty manager within ten minutes.',
      channel,
      ts,
    });
    const env = { DATA_DIR: dataDir };
    const serve = await startServeProcess({
      ...env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DOCENT_ADMIN_TOKEN: 'a',
      INGEST_JOB_BACKOFF_MS: '50',
      // A held download times out after 30 s and is tried again: enough tries for a slow machine.
      INGEST_JOB_ATTEMPTS: '10',
    });
    try {
      await upload(serve.base, 'default', 'wifi.md', '# Wi-Fi\n\nThe guest Wi-Fi password is on the fridge.');
      const [wifi] = await documents(serve.base, 'default');
      // A file shared in Slack whose download hangs: its job is in the server's journal, running.
      slack.holdDownloads(true);
      const downloads = slack.downloadsStarted();
      const share = { type: 'message', subtype: 'file_share', channel_type: 'channel', user: 'U1', text: '' };
      const event = { ...share, ts, channel, files: [{ id: fileId }] };
      expect((await postSignedEvent(serve.base, SECRET, event, `Ev-${fileId}`)).status).toBe(200);
      await until(() => slack.downloadsStarted() > downloads, 20_000);
      const journal = await journalState(dataDir);
      expect(journal.text).toContain(fileId);

      const busy = new RegExp(
        `^error: DATA_DIR ${dataDir} is in use by docent serve \\(pid ${serve.child.pid}\\): stop it first, or make the change through its admin API`,
      );
      const removal = await runCli(['docs', 'rm', wifi?.doc_id ?? ''], { env });
      expect(removal.code).toBe(1);
      expect(removal.stderr).toMatch(busy);
      await writeFile(path.join(root, 'extra.md'), '# Extra\n\nAn extra page.');
      const ingest = await runCli(['ingest', path.join(root, 'extra.md')], { env });
      expect(ingest.code).toBe(1);
      expect(ingest.stderr).toMatch(busy);
      // A chat may ask questions beside the server; the files it would add are refused the same way.
      const chat = await runCli(['chat'], { env, input: `/files ${path.join(root, 'extra.md')}\n/quit\n` });
      expect(chat.stdout).toMatch(
        new RegExp(
          `Could not index \\S*extra\\.md: DATA_DIR ${dataDir} is in use by docent serve \\(pid ${serve.child.pid}\\)`,
        ),
      );

      // Commands that only read work beside the server and never open its journal.
      const listed = await runCli(['docs', 'list', '--json'], { env });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout).map((d: { source: string }) => d.source)).toEqual(['wifi.md']);
      const asked = await runCli(['ask', 'where is the guest wifi password?', '--json'], { env });
      expect(asked.code).toBe(0);
      expect(JSON.parse(asked.stdout).answer).toContain('fridge');
      // The same file, only ever appended to by the server (a reopened journal is rewritten).
      const now = await journalState(dataDir);
      expect(now.inode).toBe(journal.inode);
      expect(now.text.startsWith(journal.text)).toBe(true);

      // Nothing was removed, and the shared file's job is still the server's: it finishes.
      expect((await documents(serve.base, 'default')).map((d) => d.source)).toEqual(['wifi.md']);
      slack.holdDownloads(false);
      const posted = await until(
        () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel),
        30_000,
      );
      expect(posted.args).toMatchObject({ text: 'Indexed escalation.md: 1 passage.', thread_ts: ts });

      // Once the server has stopped, the directory is free again.
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      const after = await runCli(['docs', 'rm', wifi?.doc_id ?? ''], { env });
      expect(after.stderr).toBe('');
      expect(after.code).toBe(0);
    } finally {
      slack.holdDownloads(false);
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
  }, 240_000);

  it('never opens the journal for commands that only read', async () => {
    const dataDir = path.join(root, 'reading');
    await mkdir(path.join(dataDir, 'jobs'), { recursive: true });
    // A job some server recorded and has not finished.
    const job = {
      id: 'a'.repeat(32),
      platform: 'slack',
      tenantId: 'T1',
      scope: 'tenant',
      file: { name: 'pending.md', url: 'http://127.0.0.1:9/pending.md' },
      replyTo: { channelId: 'C1', userId: 'U1' },
    };
    await writeFile(
      path.join(dataDir, 'jobs', 'ingest-jobs.jsonl'),
      `${JSON.stringify({ op: 'add', job })}\n`,
    );
    const journal = await journalState(dataDir);
    const env = { DATA_DIR: dataDir };
    expect((await runCli(['docs', 'list'], { env })).code).toBe(0);
    expect((await runCli(['ask', 'is anything pending?'], { env })).code).toBe(0);
    expect(await journalState(dataDir)).toEqual(journal);
    await expect(stat(path.join(dataDir, 'docent.lock'))).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it('takes over the lock of a process that is gone', async () => {
    const dataDir = path.join(root, 'stale');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await runCli(['docs', 'list'], { env: { DATA_DIR: dataDir } });
    await writeFile(path.join(dataDir, 'docent.lock'), JSON.stringify({ pid: gone, command: 'serve' }));
    await writeFile(path.join(root, 'stale.md'), '# Stale\n\nA page.');
    const result = await runCli(['ingest', path.join(root, 'stale.md')], { env: { DATA_DIR: dataDir } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expect(stat(path.join(dataDir, 'docent.lock'))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});

describe('a data directory shared through Redis', () => {
  it('lets the CLI write beside a running serve, which stops answering from what was removed', async () => {
    const dataDir = path.join(root, 'shared');
    const tenant = `acme-${randomUUID().slice(0, 8)}`;
    const env = {
      DATA_DIR: dataDir,
      REDIS_URL: 'redis://127.0.0.1:6379',
      JOB_QUEUE_PREFIX: `owner-${tenant}`,
    };
    const serve = await startServeProcess({
      ...env,
      DOCENT_API_TOKENS: `${tenant}:t`,
      DOCENT_ADMIN_TOKEN: 'a',
      // One token asks every question here, and limits follow the token.
      RATE_LIMIT_PER_MINUTE: '0',
    });
    const ask = async (question: string) => {
      const response = await fetch(`${serve.base}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: JSON.stringify({ question, session_id: randomUUID(), tenant }),
      });
      return (await response.json()) as { answer: string; cached: boolean };
    };
    try {
      await upload(
        serve.base,
        tenant,
        'parking.md',
        '# Parking\n\nVisitors park on level minus two, bay 40.',
      );
      expect(await ask('where do visitors park?')).toMatchObject({ cached: false });
      const cached = await ask('where do visitors park?');
      expect(cached).toMatchObject({ cached: true });
      expect(cached.answer).toContain('bay 40');

      const [parking] = await documents(serve.base, tenant);
      const removed = await runCli(['docs', 'rm', parking?.doc_id ?? '', '--tenant', tenant], { env });
      expect(removed.stderr).toBe('');
      expect(removed.code).toBe(0);
      // Its cached answer is retired at once (the knowledge version is shared through Redis), and
      // the server's next search reads the table as it is now, not the version it had pinned: no
      // answer from the removed document is given, nor cached under the new version.
      const fresh = await ask('where do visitors park?');
      expect(fresh).toMatchObject({ cached: false });
      expect(fresh.answer).not.toContain('bay 40');
      expect((await ask('where do visitors park?')).answer).not.toContain('bay 40');

      await writeFile(path.join(root, 'lunch.md'), '# Lunch\n\nLunch is served in the atrium at noon.');
      const ingested = await runCli(['ingest', path.join(root, 'lunch.md'), '--tenant', tenant], { env });
      expect(ingested.code).toBe(0);
      // Found by the very next question: the ingestion changed the knowledge version too.
      expect((await ask('where is lunch served?')).answer).toContain('atrium');
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
  }, 240_000);
});
