import { createHmac } from 'node:crypto';
import type { FakeSlack } from '../fakes/slack-api.js';

/** Slack's request signature: v0= HMAC-SHA256 of "v0:{timestamp}:{raw body}" with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** An Events API envelope for workspace T1, as Slack sends it to the app. */
export function eventCallback(event: Record<string, unknown>, eventId: string) {
  return {
    type: 'event_callback',
    team_id: 'T1',
    api_app_id: 'A1',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    event,
  };
}

/** Posts an Events API callback, signed with `secret`, to a service's /slack/events. */
export function postSignedEvent(
  base: string,
  secret: string,
  event: Record<string, unknown>,
  eventId: string,
): Promise<Response> {
  const body = JSON.stringify(eventCallback(event, eventId));
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(secret, ts, body),
    },
    body,
  });
}

/** The text of every answer posted or updated in a channel (its sections joined). */
export function answersIn(slack: FakeSlack, channel: string): string[] {
  return [...slack.callsTo('chat.update'), ...slack.callsTo('chat.postMessage')]
    .filter((c) => c.args.channel === channel && Array.isArray(c.args.blocks))
    .map((c) =>
      (c.args.blocks as { type: string; text?: { text: string } }[])
        .filter((b) => b.type === 'section')
        .map((b) => b.text?.text)
        .join('\n'),
    );
}
