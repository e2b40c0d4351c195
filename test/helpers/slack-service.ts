import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPlatforms } from '../../src/composition/platforms.js';
import { createServices, type ServiceOverrides, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildHttpServer } from '../../src/http/server.js';
import { startFakeOpenAI } from '../fakes/openai-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { scriptModel } from './model-brain.js';
import { eventCallback, slackSignature } from './slack-events.js';

const SECRET = 'signing-secret';

/**
 * Docent serving Slack over HTTP, as `docent serve` does, against the fake Slack API and a model
 * that quotes the first passage whatever its title holds. `env` adds configuration, `overrides`
 * what the services are built with.
 */
export async function startSlackService(env: Record<string, string> = {}, overrides: ServiceOverrides = {}) {
  const slack = await startFakeSlack();
  const openai = await startFakeOpenAI();
  scriptModel(openai, 'gpt-4o-mini', {
    answer: (prompt) => {
      const passage = /<passage n="1"[^\n]*\n([\s\S]*?)\n<\/passage>/.exec(prompt)?.[1] ?? '';
      const answer = `${passage.replace(/^#.*$/gm, '').replace(/\s+/g, ' ').trim()} [1]`;
      return { covered: true, confidence: 'high', answer, cited: [1] };
    },
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'docent-slack-service-'));
  const services: Services = await createServices(
    loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
      ...env,
    }),
    overrides,
  );
  const platforms = await createPlatforms(services);
  const app = await buildHttpServer({
    services,
    metrics: createMetrics(),
    plugins: platforms.flatMap((p) => (p.httpPlugin ? [p.httpPlugin] : [])),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const p of platforms) await p.start();
  let events = 0;

  /** A signed POST to /slack/events (events, commands, interactions). */
  function signedPost(body: string, contentType: string) {
    const ts = Math.floor(Date.now() / 1000);
    return fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature(SECRET, ts, body),
      },
      body,
    });
  }

  return {
    url,
    slack,
    openai,
    services,
    platforms,
    signedPost,
    /** An event for workspace T1; `envelope` overrides fields of the outer payload. */
    sendEvent: (event: Record<string, unknown>, envelope: Record<string, unknown> = {}) =>
      signedPost(
        JSON.stringify({ ...eventCallback(event, `EvS${++events}`), ...envelope }),
        'application/json',
      ),
    async close() {
      await app.close();
      for (const p of platforms) await p.stop();
      await services.close();
      await slack.close();
      await openai.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type SlackService = Awaited<ReturnType<typeof startSlackService>>;

/** Every piece of text Docent sent to a channel: message text and every string in its blocks. */
export function textsSentTo(slack: FakeSlack, channel: string): string[] {
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.flatMap(strings)
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(strings)
          : [];
  return ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.startStream', 'chat.appendStream']
    .flatMap((m) => slack.callsTo(m))
    .filter((c) => c.args.channel === channel)
    .flatMap((c) => [...strings(c.args.text), ...strings(c.args.blocks)]);
}
