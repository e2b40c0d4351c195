// npm run bench:slack [-- --rate 200 --seconds 5 --model-delay-ms 2000 --acks-only]: signed slash commands at a steady rate against
// `docent serve`'s HTTP receiver, with a model that takes 2 s: acknowledgement latency, and how
// long until every command is answered. Default limits apply: each command comes from its own
// user; the workspace ceiling bounds the answers in flight while acknowledgements stay fast.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { percentile } from '../src/eval/evaluate.js';
import { slackSignature } from '../test/helpers/slack-events.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    'model-delay-ms': { type: 'string', default: '2000' },
    // Stop once every command is acknowledged: with a long model delay, acknowledgements alone.
    'acks-only': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const SECRET = 'bench-secret';

// Docent runs as `docent serve` pinned to core 0. Core 1 holds this process (the load, which
// times acknowledgements) and, in a process of their own, the fake Slack API and the fake model.
const remote = spawn('taskset', ['-c', '1', process.execPath, '--import', 'tsx', 'bench/slack-remote.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, BENCH_MODEL_DELAY_MS: values['model-delay-ms'] },
});
const remoteReady = await createInterface({ input: remote.stdout })[Symbol.asyncIterator]().next();
const services = JSON.parse(String(remoteReady.value)) as {
  slackApiUrl: string;
  botToken: string;
  openaiUrl: string;
  statusUrl: string;
};
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-slack-'));
const port = 18600 + Math.floor(Math.random() * 300);
const docent = spawn('taskset', ['-c', '0', process.execPath, 'bin/docent.js', 'serve'], {
  env: {
    PATH: process.env.PATH ?? '',
    LANCEDB_LOG: 'error',
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: services.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: services.slackApiUrl,
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: services.openaiUrl,
    EMBEDDINGS: 'local',
    DOCENT_ADMIN_TOKEN: 'bench',
  },
  stdio: 'ignore',
});
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  const up = await fetch(`${url}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  if (i > 300) throw new Error('docent serve never became ready');
  await new Promise((r) => setTimeout(r, 100));
}
const form = new FormData();
form.append('file', new Blob(['# Keys\n\nRotate the production API key in Settings.']), 'keys.md');
await fetch(`${url}/admin/documents?tenant=T1`, {
  method: 'POST',
  headers: { authorization: 'Bearer bench' },
  body: form,
});

/** Sends `count` signed /ask commands from one workspace at a steady rate; returns their ack times. */
async function sendCommands(team: string, prefix: string, count: number, perSecond: number) {
  const acks: number[] = [];
  let failed = 0;
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    // A steady schedule: command i leaves at i / rate seconds.
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = new URLSearchParams({
      command: '/ask',
      text: `how do I rotate the production API key? (${i})`,
      team_id: team,
      // One channel each: Slack's one-post-a-second-per-channel pacing is not what is measured here.
      channel_id: `${prefix}${i}`,
      channel_name: 'general',
      user_id: `U${prefix}${i}`,
      trigger_id: `trigger-${prefix}${i}`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = slackSignature(SECRET, ts, body);
    const sent = performance.now();
    sends.push(
      fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
        body,
      }).then(
        (res) => {
          acks.push(performance.now() - sent);
          if (res.status !== 200) failed++;
          // Read to the end, so the connection is free for the next command (as Slack keeps its own).
          return res.arrayBuffer().then(() => undefined);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(sends);
  return { acks, failed, seconds: (performance.now() - started) / 1000 };
}

// A service in use is warm: 100 commands from another workspace first, then a pause.
await sendCommands('TWARM', 'W', 100, 50);
await new Promise((r) => setTimeout(r, 3000));
const started = performance.now();
const { acks, failed, seconds: sendSeconds } = await sendCommands('T1', 'C', total, rate);
// The workspace ceiling answers 8 at a time: give every command time to be answered.
const deadline = Date.now() + (values['acks-only'] ? 0 : 400_000);
const answeredChannels = async () =>
  ((await (await fetch(`${services.statusUrl}/answered?prefix=C`)).json()) as { answered: number }).answered;
while ((await answeredChannels()) < total && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 500));
const answered = await answeredChannels();
const allDone = (performance.now() - started) / 1000;

docent.kill('SIGKILL');
remote.kill('SIGTERM');
await rm(dir, { recursive: true, force: true });
const round = (x: number) => Number(x.toFixed(1));
console.log(
  JSON.stringify(
    {
      node: process.version,
      commands: total,
      target_rate_per_s: rate,
      achieved_rate_per_s: round(total / sendSeconds),
      ack_p50_ms: round(percentile(acks, 0.5)),
      ack_p99_ms: round(percentile(acks, 0.99)),
      ack_max_ms: round(Math.max(...acks)),
      non_200_acks: failed,
      answered,
      unanswered: total - answered,
      seconds_until_all_answered: round(allDone),
    },
    null,
    2,
  ),
);
