import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

export interface BoltAppOptions {
  botToken: string;
  /** Socket Mode when set; otherwise Slack's HTTP events, verified with the signing secret. */
  appToken?: string;
  signingSecret?: string;
  apiUrl?: string;
}

/** Bolt over Socket Mode or HTTP; for HTTP, the receiver whose request listener serves /slack/events. */
export function createBoltApp(
  options: BoltAppOptions,
  logger: Logger,
): { app: App; receiver?: HTTPReceiver } {
  const boltLog = boltLogger(logger);
  const common = {
    token: options.botToken,
    logger: boltLog,
    clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl } : undefined,
    // Docent keeps its own thread memory: Bolt's conversation store would be work on every event.
    convoStore: false as const,
  };
  if (options.appToken) return { app: new App({ ...common, appToken: options.appToken, socketMode: true }) };
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret ?? '',
    endpoints: '/slack/events',
    // Slack hears back when the listener returns: at once for questions (the answer follows,
    // however slow the model), and for a shared file once its job is on disk.
    processBeforeResponse: true,
    logger: boltLog,
  });
  return { app: new App({ ...common, receiver }), receiver };
}

/** Bolt's logger interface over pino. */
function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'slack' });
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
