// The parts of bench:slack that are remote in production (Slack's Web API and the model), in a
// process of their own: their work must not delay the event loop that times acknowledgements.
// Prints one JSON line with their addresses, then serves the count of answered channels.
import { createServer } from 'node:http';
import { startFakeOpenAI } from '../test/fakes/openai-server.js';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { grounded, scriptModel } from '../test/helpers/model-brain.js';

// bench/slack.ts passes its --model-delay-ms here.
const MODEL_DELAY_MS = Number(process.env.BENCH_MODEL_DELAY_MS ?? 2000);

const slack = await startFakeSlack();
const openai = await startFakeOpenAI();
scriptModel(openai, 'gpt-4o-mini', {
  answer: () => ({ structured: grounded('From the runbook [1].'), delayMs: MODEL_DELAY_MS }),
});
// GET /answered?prefix=C: how many channels starting with the prefix got their answer (an update
// of the placeholder).
const status = createServer((req, res) => {
  const prefix = new URL(req.url ?? '/', 'http://x').searchParams.get('prefix') ?? '';
  const channels = new Set(
    slack
      .callsTo('chat.update')
      .map((c) => String(c.args.channel))
      .filter((c) => c.startsWith(prefix)),
  );
  res.end(JSON.stringify({ answered: channels.size }));
});
await new Promise<void>((resolve) => status.listen(0, '127.0.0.1', resolve));
const address = status.address();
const statusPort = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(
  `${JSON.stringify({
    slackApiUrl: slack.apiUrl,
    botToken: slack.botToken,
    openaiUrl: openai.url,
    statusUrl: `http://127.0.0.1:${statusPort}`,
  })}\n`,
);
process.on('SIGTERM', async () => {
  status.close();
  await slack.close();
  await openai.close();
  process.exit(0);
});
