// npm run bench:slack [-- --rate 200 --seconds 5]: signed slash commands at a steady rate against
// the HTTP receiver, with a model that takes 2 s: acknowledgement latency and unanswered commands.
// Default limits apply: each command comes from its own user; the tenant ceiling bounds the work
// in flight, which is what keeps acknowledgements fast while answers queue.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { percentile } from '../src/eval/evaluate.js';
import { createMetrics } from '../src/http/metrics.js';
import { buildHttpServer } from '../src/http/server.js';
import { createPlatforms, createServices } from '../src/main.js';
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
const config = loadConfig({
  DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.apiUrl,
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: openai.url,
  EMBEDDINGS: 'local',
});
const metrics = createMetrics();
const services = await createServices(config, { observers: [metrics.observer] });
await services.knowledgeBase.ingest({
  tenantId: 'T1',
  scope: 'tenant',
  source: 'keys.md',
  fetchData: async () => new TextEncoder().encode('# Keys\n\nRotate the production API key in Settings.'),
});
const platforms = await createPlatforms(services);
const app = await buildHttpServer({
  services,
  metrics,
  plugins: platforms.flatMap((p) => (p.httpPlugin ? [p.httpPlugin] : [])),
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
for (const p of platforms) await p.start();

const acks: number[] = [];
let failed = 0;
const sends: Promise<void>[] = [];
const started = performance.now();
for (let i = 0; i < total; i++) {
  // A steady schedule: command i leaves at i / rate seconds.
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const body = new URLSearchParams({
    command: '/ask',
    text: `how do I rotate the production API key? (${i})`,
    team_id: 'T1',
    // One channel each: Slack's one-post-a-second-per-channel pacing is not what is measured here.
    channel_id: `C${i}`,
    channel_name: 'general',
    user_id: `U${i}`,
    trigger_id: `trigger-${i}`,
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
const sendSeconds = (performance.now() - started) / 1000;
const deadline = Date.now() + 120_000;
while (slack.callsTo('chat.update').length < total && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 200));
const answered = new Set(slack.callsTo('chat.update').map((c) => c.args.channel)).size;
const allDone = (performance.now() - started) / 1000;

await app.close();
for (const p of platforms) await p.stop();
await services.close();
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
