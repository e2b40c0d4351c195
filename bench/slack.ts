// npm run bench:slack [-- --rate 200 --seconds 5]: signed slash commands at a steady rate against
// `docent serve`'s HTTP receiver, with a model that takes 2 s: acknowledgement latency, and how
// long until every command is answered. Default limits apply: each command comes from its own
// user; the workspace ceiling bounds the answers in flight while acknowledgements stay fast.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../src/eval/evaluate.js';
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { grounded, scriptModel } from '../test/helpers/model-brain.js';
import { slackSignature } from '../test/helpers/slack-events.js';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '5' } },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const SECRET = 'bench-secret';

const slack = await startFakeSlack();
const openai = await startFakeOpenAI();
scriptModel(openai, 'gpt-4o-mini', {
  answer: () => ({ structured: grounded('From the runbook [1].'), delayMs: 2000 }),
});
const dir = await mkdtemp(path.join(tmpdir(), 'docent-bench-slack-'));
// Docent runs as `docent serve` pinned to core 0; this process (the load, the fake Slack API and
// the fake model, which are remote in production) keeps core 1.
const port = 18600 + Math.floor(Math.random() * 300);
const docent = spawn('taskset', ['-c', '0', process.execPath, 'bin/docent.js', 'serve'], {
  env: {
    PATH: process.env.PATH ?? '',
    LANCEDB_LOG: 'error',
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: openai.url,
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
const deadline = Date.now() + 400_000;
const answeredChannels = () =>
  new Set(
    slack
      .callsTo('chat.update')
      .map((c) => String(c.args.channel))
      .filter((c) => c.startsWith('C')),
  ).size;
while (answeredChannels() < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
const answered = answeredChannels();
const allDone = (performance.now() - started) / 1000;

docent.kill('SIGKILL');
await slack.close();
await openai.close();
await rm(dir, { recursive: true, force: true });
const round = (x: number) => Number(x.toFixed(1));
console.log(
  JSON.stringify(
    {
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
