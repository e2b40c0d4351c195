import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ServeProcess {
  base: string;
  child: ChildProcess;
  /** Everything written to stderr so far (the service's log). */
  logs(): string;
  exited: Promise<number | null>;
}

const START_TIMEOUT_MS = 90_000;

/** `docent serve` in its own process on a random port (outside the repository and its `.env`), once /healthz answers. */
export async function startServeProcess(env: Record<string, string>): Promise<ServeProcess> {
  const port = 18000 + Math.floor(Math.random() * 900);
  const child = spawn(process.execPath, [path.resolve('bin/docent.js'), 'serve'], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LANCEDB_LOG: 'error',
      ...env,
    },
  });
  let logs = '';
  child.stderr?.on('data', (d) => {
    logs += d;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  // Start-up on a busy machine can take many seconds: wait for the service or its exit, not a clock.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && exitCode === undefined) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { base, child, logs: () => logs, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  const how = exitCode === undefined ? `within ${START_TIMEOUT_MS / 1000} s` : `(exited with ${exitCode})`;
  throw new Error(`docent serve never came up ${how}:\n${logs}`);
}
