import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startFakeOpenAI } from '../fakes/openai-server.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';
import { startServeProcess } from '../helpers/serve-process.js';

it('finishes an answer in flight on SIGTERM, then exits 0', async () => {
  // The answer model takes 1.5 s: long enough to send SIGTERM while it works.
  const { service, askAboutBackups, stop } = await serveWithDocument(1500);
  const { base, child, exited } = service;
  try {
    const inFlight = askAboutBackups();
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).answer).toBe('Nightly at 02:00 [1].');
    expect(await exited).toBe(0);
    expect(service.logs()).toContain('shutting down: finishing work in flight');
    // The question's request is logged with its id and outcome, but neither its text nor the token.
    const entries = service
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    const incoming = entries.find(
      (entry) => entry.msg === 'incoming request' && entry.req?.url === '/api/v1/query',
    );
    expect(incoming.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const completed = entries.find(
      (entry) => entry.msg === 'request completed' && entry.reqId === incoming.reqId,
    );
    expect(completed).toMatchObject({ res: { statusCode: 200 } });
    expect(service.logs()).not.toContain('when do backups run');
    expect(service.logs()).not.toContain('Bearer t');
    // Once shutting down, no new connections are accepted.
    expect(
      await fetch(`${base}/healthz`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
  } finally {
    await stop();
  }
}, 60_000);

it('exits 1 once SHUTDOWN_TIMEOUT_MS has passed, even with an answer still in flight', async () => {
  const { service, askAboutBackups, stop } = await serveWithDocument(30_000, {
    SHUTDOWN_TIMEOUT_MS: '1000',
    LLM_TIMEOUT_MS: '60000',
  });
  const { child, exited } = service;
  try {
    const inFlight = askAboutBackups().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 8000)),
    ]);
    expect(code).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(service.logs()).toContain('shutdown timed out; exiting with work unfinished');
    await inFlight;
  } finally {
    await stop();
  }
}, 60_000);

/** `docent serve` with one document on backups and a model that takes `answerDelayMs` to answer. */
async function serveWithDocument(answerDelayMs: number, env: Record<string, string> = {}) {
  const server = await startFakeOpenAI();
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-shutdown-'));
  scriptModel(server, 'gpt-4o-mini', {
    answer: () => ({ structured: grounded('Nightly at 02:00 [1].'), delayMs: answerDelayMs }),
  });
  const service = await startServeProcess({
    DATA_DIR: dir,
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: server.url,
    EMBEDDINGS: 'local',
    DOCENT_API_TOKEN: 't',
    DOCENT_ADMIN_TOKEN: 'a',
    ...env,
  });
  const stop = async () => {
    service.child.kill('SIGKILL');
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
  const form = new FormData();
  form.append('file', new Blob(['# Backups\n\nBackups run nightly at 02:00 UTC.']), 'backups.md');
  const upload = await fetch(`${service.base}/admin/documents`, {
    method: 'POST',
    headers: { authorization: 'Bearer a' },
    body: form,
  });
  if (upload.status !== 201) await stop();
  expect(upload.status).toBe(201);
  return {
    service,
    askAboutBackups: () =>
      fetch(`${service.base}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'when do backups run?' }),
      }),
    stop,
  };
}
