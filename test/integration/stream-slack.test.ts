import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackCall } from '../fakes/slack-api.js';
import { grounded, scriptModel } from '../helpers/model-brain.js';
import { answersIn } from '../helpers/slack-events.js';
import { type SlackService, startSlackService } from '../helpers/slack-service.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// About 1.5 s of writing, eight characters every 40 ms: time for two or three writes a second apart.
const ANSWER =
  'Expenses are filed in the finance portal within thirty days of purchase, with the receipt attached ' +
  'and the cost centre of your team; the portal routes them to your manager for approval and pays ' +
  'them with the next monthly salary run [1].';

let service: SlackService;
let counter = 0;

const mention = (channel: string, text: string) => {
  const ts = `1800004${String(++counter).padStart(3, '0')}.000100`;
  return { event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel }, ts };
};
const callsIn = (method: string, channel: string) =>
  service.slack.callsTo(method).filter((c) => c.args.channel === channel);
const chunkText = (call: SlackCall) =>
  ((call.args.chunks ?? []) as { text?: string }[]).map((c) => c.text ?? '').join('');
const hasBlocks = (call: SlackCall) => Array.isArray(call.args.blocks);

beforeAll(async () => {
  service = await startSlackService();
  scriptModel(service.openai, 'gpt-4o-mini', {
    answer: () => ({ structured: grounded(ANSWER), chunkDelayMs: 40 }),
  });
  await service.services.knowledgeBase.ingest({
    tenantId: 'T1',
    scope: 'tenant',
    source: 'expenses.md',
    fetchData: bytesOf('# Expenses\n\nFile expenses in the finance portal within 30 days, receipt attached.'),
  });
});
afterAll(async () => service?.close());
beforeEach(() => service.services.cache.flush());

describe('answers streamed into Slack', () => {
  it('streams into the thread natively, then turns the message into the usual answer', async () => {
    const { event, ts } = mention('CSTREAM1', 'how do I file expenses?');
    await service.sendEvent(event);
    const final = await until(() => callsIn('chat.update', 'CSTREAM1').find(hasBlocks));

    const start = callsIn('chat.startStream', 'CSTREAM1')[0] as SlackCall;
    expect(start.args).toMatchObject({ thread_ts: ts, recipient_user_id: 'U1', recipient_team_id: 'T1' });
    const appends = callsIn('chat.appendStream', 'CSTREAM1');
    expect(appends.length).toBeGreaterThan(0);
    // Each write carries what came since the last; together they grow the answer from its start.
    const streamed = [start, ...appends].map(chunkText).join('');
    expect(streamed.length).toBeGreaterThan(20);
    expect(ANSWER.startsWith(streamed)).toBe(true);
    const stop = callsIn('chat.stopStream', 'CSTREAM1')[0] as SlackCall;
    expect(stop.at).toBeGreaterThanOrEqual((appends.at(-1) as SlackCall).at);
    // The same message ends as today's answer: sections, sources, 👍/👎; the placeholder goes.
    expect(final.args.ts).toBe(stop.args.ts);
    expect(answersIn(service.slack, 'CSTREAM1')[0]).toContain('finance portal');
    expect(JSON.stringify(final.args.blocks)).toContain('docent_feedback_up');
    expect(callsIn('chat.delete', 'CSTREAM1')).toHaveLength(1);
  });

  it('edits the placeholder about once a second when streaming is refused, through a 429', async () => {
    service.slack.failNext('chat.startStream', 'not_allowed');
    service.slack.rateLimitNext(1, 'chat.update');
    const { event } = mention('CSTREAM2', 'where are expenses filed?');
    await service.sendEvent(event);
    const final = await until(() => callsIn('chat.update', 'CSTREAM2').find(hasBlocks), 15_000);
    expect(answersIn(service.slack, 'CSTREAM2')[0]).toContain('finance portal');

    const previews = callsIn('chat.update', 'CSTREAM2').filter((c) => !hasBlocks(c));
    expect(previews.length).toBeGreaterThan(0);
    expect(previews.every((c) => c.args.ts === final.args.ts)).toBe(true);
    const texts = previews.map((c) => String(c.args.text));
    for (let i = 1; i < texts.length; i++)
      expect(String(texts[i]).length).toBeGreaterThanOrEqual(String(texts[i - 1]).length);
    // A second apart at least (less a little for the clock's grain).
    for (let i = 1; i < previews.length; i++)
      expect(
        (previews[i] as (typeof previews)[number]).at - (previews[i - 1] as SlackCall).at,
      ).toBeGreaterThan(900);
  });

  it('posts the answer anew when the streamed message is deleted midway', async () => {
    service.slack.failNext('chat.appendStream', 'message_not_found');
    const { event, ts } = mention('CSTREAM3', 'when must expenses be filed?');
    await service.sendEvent(event);
    const posted = await until(() =>
      callsIn('chat.postMessage', 'CSTREAM3').find((c) => hasBlocks(c) && c.args.thread_ts === ts),
    );
    expect(JSON.stringify(posted.args.blocks)).toContain('finance portal');
    expect(callsIn('chat.appendStream:message_not_found', 'CSTREAM3')).toHaveLength(1);
  });
});
