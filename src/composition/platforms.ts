import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { fetchUrl } from '../ingestion/fetch-url.js';
import type { Services } from './services.js';

/** A chat platform connection the service runs alongside its HTTP server. */
export interface RunningPlatform {
  name: string;
  start(): Promise<void>;
  ready(): Promise<void>;
  stop(): Promise<void>;
  /** Routes it serves on the HTTP server (Slack's events endpoint). */
  httpPlugin?: (app: FastifyInstance) => Promise<void>;
}

/** The platforms the configuration switches on. */
export async function createPlatforms(services: Services): Promise<RunningPlatform[]> {
  const platforms: RunningPlatform[] = [];
  if (services.config.slack) platforms.push(await slackPlatform(services, services.config.slack));
  if (services.config.discord) platforms.push(await discordPlatform(services, services.config.discord));
  // Jobs a crash interrupted resume now that every platform can fetch its files again.
  await services.jobs.start();
  return platforms;
}

async function slackPlatform(
  services: Services,
  slack: NonNullable<Config['slack']>,
): Promise<RunningPlatform> {
  const { config } = services;
  const { SlackBot } = await import('../../adapters/slack/slack-bot.js');
  const { slackFileFetcher } = await import('../../adapters/slack/files.js');
  const bot = new SlackBot({
    ...slack,
    handleMessage: services.handleMessage,
    history: services.history,
    logger: services.logger,
    autoAnswer: services.autoAnswer,
  });
  const fetchSlackFile = slackFileFetcher(slack.botToken, {
    apiUrl: slack.apiUrl,
    allowPrivateUrls: config.allowPrivateUrls,
    download: fetchUrl,
  });
  services.jobs.register('slack', fetchSlackFile, (job, outcome) => bot.notifyIngest(job, outcome));
  const listener = bot.requestListener;
  return {
    name: 'slack',
    start: () => bot.start(),
    ready: () => bot.ready(),
    stop: () => bot.stop(),
    httpPlugin: listener
      ? async (app) => {
          // Bolt verifies the signature over the raw body, so the request reaches it unread.
          app.removeAllContentTypeParsers();
          app.addContentTypeParser('*', (_request, _payload, done) => done(null));
          app.post('/slack/events', (request, reply) => {
            reply.hijack();
            listener(request.raw, reply.raw);
          });
        }
      : undefined,
  };
}

async function discordPlatform(
  services: Services,
  discord: NonNullable<Config['discord']>,
): Promise<RunningPlatform> {
  const { DiscordBot } = await import('../../adapters/discord/discord-bot.js');
  const bot = new DiscordBot({
    ...discord,
    handleMessage: services.handleMessage,
    history: services.history,
    logger: services.logger,
    autoAnswer: services.autoAnswer,
  });
  // Attachment links come from Discord; DISCORD_API_URL's origin (a proxy, or a fake) is trusted as configured.
  const attachmentFetch = {
    allowPrivate: services.config.allowPrivateUrls,
    trustedOrigins: discord.apiUrl ? [new URL(discord.apiUrl).origin] : [],
  };
  services.jobs.register(
    'discord',
    (file, maxBytes) => fetchUrl(file.url, attachmentFetch)(maxBytes),
    (job, outcome) => bot.notifyIngest(job, outcome),
  );
  return {
    name: 'discord',
    start: () => bot.start(),
    ready: () => bot.ready(),
    stop: () => bot.stop(),
  };
}
