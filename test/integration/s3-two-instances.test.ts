import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeS3, startFakeS3 } from '../fakes/s3.js';
import { type ServeProcess, startServeProcess } from '../helpers/serve-process.js';

// Two `docent serve` processes as two machines would run them: each its own data directory, one
// LanceDB on an S3-compatible store, one Redis. What one instance is told, the other shows.
const tenant = `s3-${randomUUID().slice(0, 8)}`;
const ADMIN = 'admin-s3';
// The documented bound for another instance's changes (docs/scaling.md), with room for a busy machine.
const VISIBLE_WITHIN_MS = 15_000;
let s3: FakeS3;
let dirs: string[] = [];
let a: ServeProcess;
let b: ServeProcess;
let lanceUri: string;

beforeAll(async () => {
  s3 = await startFakeS3();
  lanceUri = `s3://${s3.bucket}/docent-${randomUUID().slice(0, 8)}`;
  dirs = await Promise.all([0, 1].map(() => mkdtemp(path.join(tmpdir(), 'docent-s3-instance-'))));
  const shared = {
    LANCEDB_URI: lanceUri,
    REDIS_URL: 'redis://127.0.0.1:6379',
    JOB_QUEUE_PREFIX: `s3-${randomUUID().slice(0, 8)}`,
    RATE_LIMIT_PER_MINUTE: '0',
    INGEST_THREADS: '0',
    DOCENT_API_TOKENS: `${tenant}:t`,
    DOCENT_ADMIN_TOKEN: ADMIN,
  };
  // One instance is given the store in LANCEDB_STORAGE_OPTIONS, the other in the AWS variables
  // LanceDB reads itself: both ways are documented.
  [a, b] = await Promise.all([
    startServeProcess({
      ...shared,
      DATA_DIR: dirs[0] as string,
      LANCEDB_STORAGE_OPTIONS: JSON.stringify(storageOptions()),
    }),
    startServeProcess({
      ...shared,
      DATA_DIR: dirs[1] as string,
      AWS_ENDPOINT: s3.endpoint,
      AWS_ALLOW_HTTP: 'true',
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: 'us-east-1',
    }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const p of [a, b]) p?.child.kill('SIGKILL');
  await Promise.all([a, b].map((p) => p?.exited));
  await s3?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function storageOptions(): Record<string, string> {
  return {
    endpoint: s3.endpoint,
    allow_http: 'true',
    aws_access_key_id: s3.accessKeyId,
    aws_secret_access_key: s3.secretAccessKey,
    region: 'us-east-1',
  };
}

interface DocumentView {
  doc_id: string;
  source: string;
  passages: number;
}

async function upload(instance: ServeProcess, name: string, text: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  return fetch(`${instance.base}/admin/documents?tenant=${tenant}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
    body: form,
  });
}

async function documents(instance: ServeProcess): Promise<DocumentView[]> {
  const response = await fetch(`${instance.base}/admin/documents?tenant=${tenant}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return ((await response.json()) as { documents: DocumentView[] }).documents;
}

async function sourcesOfAnswer(instance: ServeProcess, question: string): Promise<string[]> {
  const response = await fetch(`${instance.base}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify({ question, session_id: randomUUID() }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { sources: { source: string }[] };
  return body.sources.map((s) => s.source);
}

/** Polls an HTTP-backed condition until it holds; the time it took, or a failure naming what never held. */
async function within(ms: number, what: string, holds: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await holds())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

it('answers on one instance from a file uploaded through the other', async () => {
  expect((await upload(a, 'backups.md', '# Backups\n\nBackups run nightly at 02:00 UTC.')).status).toBe(201);
  await within(VISIBLE_WITHIN_MS, 'B answers from backups.md', async () =>
    (await sourcesOfAnswer(b, 'when do backups run?')).includes('backups.md'),
  );
  await within(VISIBLE_WITHIN_MS, 'B lists backups.md', async () =>
    (await documents(b)).some((d) => d.source === 'backups.md'),
  );
  // The store's credentials stay out of both logs, however they were given.
  for (const instance of [a, b]) expect(instance.logs()).not.toContain(s3.secretAccessKey);
}, 60_000);

it('forgets on both instances a document removed through one', async () => {
  expect((await upload(b, 'parking.md', '# Parking\n\nVisitors park on level minus two.')).status).toBe(201);
  await within(VISIBLE_WITHIN_MS, 'A answers from parking.md', async () =>
    (await sourcesOfAnswer(a, 'where do visitors park?')).includes('parking.md'),
  );
  const parking = (await documents(a)).find((d) => d.source === 'parking.md');
  const removed = await fetch(`${a.base}/admin/documents/${parking?.doc_id}?tenant=${tenant}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(removed.status).toBe(200);
  for (const instance of [a, b]) {
    await within(VISIBLE_WITHIN_MS, `parking.md gone from ${instance === a ? 'A' : 'B'}`, async () => {
      const listed = (await documents(instance)).some((d) => d.source === 'parking.md');
      const answered = (await sourcesOfAnswer(instance, 'where do visitors park?')).includes('parking.md');
      return !listed && !answered;
    });
  }
}, 60_000);

it('indexes once what both instances are given at the same moment', async () => {
  const rounds = [
    { name: 'oncall.md', text: '# On call\n\nThe on-call engineer is paged through Opsgenie.' },
    { name: 'vpn.md', text: '# VPN\n\nThe VPN is WireGuard, configured by the onboarding script.' },
  ];
  const same = await Promise.all(
    rounds.flatMap((r) => [upload(a, r.name, r.text), upload(b, r.name, r.text)]),
  );
  const different = await Promise.all([
    upload(a, 'laptops.md', '# Laptops\n\nLaptops are replaced every three years.'),
    upload(b, 'expenses.md', '# Expenses\n\nExpenses are filed in Ramp within thirty days.'),
  ]);
  expect([...same, ...different].map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);

  const sources = ['oncall.md', 'vpn.md', 'laptops.md', 'expenses.md'];
  for (const instance of [a, b]) {
    await within(VISIBLE_WITHIN_MS, 'both list every document', async () => {
      const listed = (await documents(instance)).map((d) => d.source);
      return sources.every((s) => listed.includes(s));
    });
    const listed = (await documents(instance)).map((d) => d.source);
    for (const source of sources) expect(listed.filter((s) => s === source)).toHaveLength(1);
  }
  const questions: Record<string, string> = {
    'oncall.md': 'how is the on-call engineer paged?',
    'vpn.md': 'which VPN do we use?',
    'laptops.md': 'when are laptops replaced?',
    'expenses.md': 'where are expenses filed?',
  };
  for (const [source, question] of Object.entries(questions))
    for (const instance of [a, b]) expect(await sourcesOfAnswer(instance, question)).toContain(source);
  await expectEachPassageStoredOnce(await documents(a));
}, 60_000);

/** Read straight from the store: each document's current passages, each once, as many as its record says. */
async function expectEachPassageStoredOnce(listed: DocumentView[]): Promise<void> {
  const db = await lancedb.connect(lanceUri, { storageOptions: storageOptions() });
  try {
    const records = await (await db.openTable('documents'))
      .query()
      .where(`tenant_id = '${tenant}'`)
      .toArray();
    const chunks = await db.openTable(`chunks__${tenant}`);
    for (const doc of listed) {
      const rowsOfDoc = records.filter((r) => r.doc_id === doc.doc_id);
      expect(rowsOfDoc, doc.source).toHaveLength(1);
      const current = await chunks
        .query()
        .where(`doc_id = '${doc.doc_id}' AND generation = '${rowsOfDoc[0]?.generation}'`)
        .select(['chunk_id'])
        .toArray();
      expect(doc.passages).toBeGreaterThan(0);
      expect(current.map((r) => r.chunk_id).sort(), doc.source).toEqual(
        [...new Set(current.map((r) => String(r.chunk_id)))].sort(),
      );
      expect(current, doc.source).toHaveLength(doc.passages);
    }
  } finally {
    db.close();
  }
}
