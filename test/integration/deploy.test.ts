import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, with line continuations joined; one entry per instruction. */
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = parseDockerfile(await readFile('Dockerfile', 'utf8'));
const finalStage = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));
/** The instructions of the stage `FROM … AS name`. */
function stage(name: string): Instruction[] {
  const start = dockerfile.findIndex((i) => i.op === 'FROM' && i.args.endsWith(` AS ${name}`));
  const end = dockerfile.findIndex((i, n) => n > start && i.op === 'FROM');
  return start < 0 ? [] : dockerfile.slice(start, end < 0 ? undefined : end);
}
const runs = (instructions: Instruction[], command: string) =>
  instructions.filter((i) => i.op === 'RUN' && i.args.includes(command));
const env = Object.fromEntries(
  finalStage
    .filter((i) => i.op === 'ENV')
    .flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split('=') as [string, string])),
);
interface FlyConfig {
  kill_signal: string;
  env: Record<string, string>;
  mounts: { destination: string };
  http_service: { internal_port: number; checks: { path: string }[] };
}
const fly = parse(await readFile('fly.toml', 'utf8')) as unknown as FlyConfig;

describe('Dockerfile', () => {
  it('builds in stages on a current Node LTS slim image and runs as a non-root user', () => {
    const froms = dockerfile.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^node:(22|24)(\.\d+)*-\w*-?slim\b/);
    expect(finalStage.some((i) => i.op === 'USER' && i.args !== 'root' && i.args !== '0')).toBe(true);
  });

  it('compiles in a build stage and runs the compiled JavaScript with production dependencies only', () => {
    expect(runs(stage('build'), 'npm run build')).toHaveLength(1);
    // Without dev dependencies there is no TypeScript to run `prepare` with.
    expect(runs(stage('deps'), 'npm ci')[0]?.args).toMatch(
      /--omit=dev .*--ignore-scripts|--ignore-scripts .*--omit=dev/,
    );
    const copies = finalStage.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=deps /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(copies.some((c) => /\b(src|adapters|graphs)\b/.test(c))).toBe(false);
    expect(finalStage.find((i) => i.op === 'CMD')?.args).toBe('["node", "bin/docent.js", "serve"]');
  });

  it('keeps DATA_DIR on a volume and checks health on /healthz', () => {
    expect(env.DATA_DIR).toBe('/data');
    expect(finalStage.find((i) => i.op === 'VOLUME')?.args).toContain('"/data"');
    expect(finalStage.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/healthz');
    expect(finalStage.find((i) => i.op === 'EXPOSE')?.args).toBe(env.PORT);
  });
});

describe('fly.toml', () => {
  it('serves the container port, checks /healthz and mounts the data volume', () => {
    expect(fly.http_service.internal_port).toBe(Number(env.PORT));
    expect(fly.http_service.checks[0]?.path).toBe('/healthz');
    expect(fly.mounts.destination).toBe(env.DATA_DIR);
    expect(fly.env.DATA_DIR).toBe(env.DATA_DIR);
    expect(fly.kill_signal).toBe('SIGTERM');
  });
});

/**
 * The packages the deps stage's `npm ci --omit=dev` installs, linked from this checkout's
 * node_modules: as good as a fresh install for what Docent's own code can import, and instant.
 */
async function linkProductionPackages(target: string) {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { maxBuffer: 1 << 24 });
  const topLevel = new Set(
    stdout
      .split('\n')
      .map((line) => path.relative('node_modules', path.relative(process.cwd(), line)).split(path.sep))
      .filter((parts) => parts[0] && parts[0] !== '..')
      .map((parts) => (parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')),
  );
  for (const name of topLevel) {
    await mkdir(path.dirname(path.join(target, name)), { recursive: true });
    await symlink(path.resolve('node_modules', name), path.join(target, name));
  }
}

type Copy = (source: string, target: string) => Promise<void>;
const fromRepository: Copy = (source, target) => cp(source, target, { recursive: true });
/** What a `COPY --from=<stage>` takes: the build stage's dist/ is this checkout's (the test setup builds it). */
const fromStage: Record<string, Copy> = {
  build: (source, target) => cp(path.relative('/app', source), target, { recursive: true }),
  deps: (_source, target) => linkProductionPackages(target),
};

describe('the image’s files and start command, run in a temporary directory', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has production dependencies only, starts, answers /healthz, and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-image-'));
    const app = path.join(dir, 'app');
    // Every COPY of the final stage, from the repository or an earlier stage into the "image".
    for (const copy of finalStage.filter((i) => i.op === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const stageName = parts[0]?.startsWith('--from=') ? parts.shift()?.slice('--from='.length) : undefined;
      const copyFrom = stageName ? fromStage[stageName] : fromRepository;
      if (!copyFrom) throw new Error(`nothing stands in for the ${stageName} stage`);
      const destination = parts.at(-1) as string;
      for (const source of parts.slice(0, -1)) {
        // "COPY a b ./" copies into the directory; "COPY src ./src" copies to that path.
        const target = destination.endsWith('/')
          ? path.join(app, destination, path.basename(source))
          : path.join(app, destination);
        await copyFrom(source, target);
      }
    }
    await expect(readFile(path.join(app, 'node_modules', 'vitest', 'package.json'))).rejects.toThrow();
    await expect(readFile(path.join(app, 'node_modules', 'tsx', 'package.json'))).rejects.toThrow();

    const cmd = JSON.parse(finalStage.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    const child = spawn(cmd[0] as string, cmd.slice(1), {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        DATA_DIR: path.join(dir, 'data'),
        PORT: '18931',
        HOST: '127.0.0.1',
      },
    });
    let logs = '';
    child.stderr.on('data', (d) => {
      logs += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      await new Promise((r) => setTimeout(r, 200));
      healthy = await fetch('http://127.0.0.1:18931/healthz').then(
        (r) => r.ok,
        () => false,
      );
    }
    expect(healthy, logs).toBe(true);
    // The admin console was built into dist/ and came along with it.
    const console = await fetch('http://127.0.0.1:18931/admin/');
    expect(console.status).toBe(200);
    expect(await console.text()).toContain('/admin/assets/');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs).toContain('shut down cleanly');
  }, 60_000);
});
