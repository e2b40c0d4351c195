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
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { base, child, logs: () => logs, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`docent serve never came up:\n${logs}`);
}
