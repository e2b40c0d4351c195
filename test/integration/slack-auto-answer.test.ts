import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNCOVERED_REACTION, WORKING_REACTION } from '../../adapters/slack/auto-answer.js';
import type { FakeOpenAI } from '../fakes/openai-server.js';
import { scriptModel } from '../helpers/model-brain.js';
import { answersIn } from '../helpers/slack-events.js';
import { type SlackService, startSlackService } from '../helpers/slack-service.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

const ADMIN = 'admin-secret';
let service: SlackService;
let counter = 0;
const nextTs = () => `1800100${String(++counter).padStart(3, '0')}.000100`;

/** A model that answers only what the documents hold, and reads "this" as the thread's question. */
function scriptHonestModel(openai: FakeOpenAI) {
  for (const model of ['gpt-4o-mini', 'gpt-4o'])
    scriptModel(openai, model, {
      classify: (prompt) => {
        const latest = /New message:\n([\s\S]*)$/.exec(prompt)?.[1]?.trim() ?? '';
        const asked = [...prompt.matchAll(/<message from="[^"]*">\n([^\n]*\?)\n<\/message>/g)].at(-1)?.[1];
        return { standalone: asked && /\bthis\b/.test(latest) ? asked : latest };
      },
      answer: (prompt) => {
        const question = /Question: (.*)$/m.exec(prompt)?.[1] ?? '';
        const passage = /<passage n="1"[^>]*>\n([\s\S]*?)\n<\/passage>/.exec(prompt)?.[1] ?? '';
        if (!/rotate|key|lunch/i.test(question))
          return { answer: 'The passages do not say.', cited: [], covered: false, confidence: 'high' };
        const answer = `${passage.replace(/^#.*$/gm, '').replace(/\s+/g, ' ').trim()} [1]`;
        return { answer, cited: [1], covered: true, confidence: 'high' };
      },
    });
}

const say = async (channel: string, text: string, extra: Record<string, unknown> = {}, envelope = {}) => {
  const event = {
    type: 'message',
    channel,
    channel_type: 'channel',
    user: 'U1',
    text,
    ts: nextTs(),
    ...extra,
  };
  await service.sendEvent(event, envelope);
  return event;
};
const postsIn = (channel: string) =>
  service.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const threadReplies = (channel: string, threadTs: string) =>
  postsIn(channel).filter((c) => c.args.thread_ts === threadTs);
const reactionsOn = (method: string, ts: string) =>
  service.slack.callsTo(method).filter((c) => c.args.timestamp === ts);
const admin = (tenant: string, init: RequestInit = {}) =>
  fetch(`${service.url}/admin/auto-answer?tenant=${tenant}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
  });
const orgWide = {
  team_id: 'T1',
  enterprise_id: 'E1',
  is_enterprise_install: true,
  authorizations: [
    { enterprise_id: 'E1', team_id: null, user_id: 'UBOT', is_bot: true, is_enterprise_install: true },
  ],
};

beforeAll(async () => {
  service = await startSlackService({
    DOCENT_ADMIN_TOKEN: ADMIN,
    AUTO_ANSWER_CHANNELS: 'CALWAYS',
    AUTO_ANSWER_UNCOVERED: 'react',
  });
  service.openai.script.reset();
  scriptHonestModel(service.openai);
  for (const [tenantId, source, text] of [
    ['T1', 'keys.md', '# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'],
    ['T1', 'lunch.md', '# Lunch\n\nLunch is served at noon in the canteen.'],
    ['E1', 'keys.md', '# API keys\n\nOrg keys are rotated by the platform team on request.'],
  ] as const)
    await service.services.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source,
      fetchData: bytesOf(text),
    });
  const put = await admin('T1', { method: 'PUT', body: JSON.stringify({ channels: ['CHELP'] }) });
  expect(put.status).toBe(200);
});
afterAll(async () => service?.close());

describe('auto-answer channels in Slack', () => {
  let answered: { ts: string };

  it('answers a covered question in a thread under it, without a mention or a placeholder', async () => {
    answered = await say('CHELP', 'how do I rotate the production API key?');
    const [reply] = await until(
      () => threadReplies('CHELP', answered.ts).at(0) && threadReplies('CHELP', answered.ts),
    );
    expect(JSON.stringify(reply?.args.blocks)).toContain('Settings, then API, then Rotate');
    // Nothing appeared in the channel before the answer was known to be covered.
    expect(postsIn('CHELP')).toHaveLength(1);
    expect(service.slack.callsTo('chat.update').filter((c) => c.args.channel === 'CHELP')).toEqual([]);
    expect(reactionsOn('reactions.add', answered.ts).map((c) => c.args.name)).toEqual([WORKING_REACTION]);
    expect(reactionsOn('reactions.remove', answered.ts).map((c) => c.args.name)).toEqual([WORKING_REACTION]);
  });

  it('posts nothing for a question the documents do not cover, and reacts as configured', async () => {
    const uncovered = await say('CHELP', 'what will the weather be tomorrow?');
    await until(() =>
      reactionsOn('reactions.add', uncovered.ts).find((c) => c.args.name === UNCOVERED_REACTION),
    );
    expect(reactionsOn('reactions.remove', uncovered.ts)).toHaveLength(1);
    expect(threadReplies('CHELP', uncovered.ts)).toEqual([]);
    expect(postsIn('CHELP')).toHaveLength(1);
  });

  it("ignores bots, edits and people's replies to each other, but answers a follow-up in its own thread", async () => {
    await say('CHELP', 'how do I rotate the zebra key?', { bot_id: 'B2', user: 'U2' });
    await say('CHELP', 'how do I rotate the zebra key?', { subtype: 'message_changed' });
    await say('CHELP', 'how do I rotate the zebra key?', { thread_ts: '1700000000.000001' });
    await say('CHELP', 'zebra?', { subtype: 'bot_message', bot_id: 'B3' });
    const followUp = await say('CHELP', 'and where is lunch served?', { thread_ts: answered.ts });
    await until(() => answersIn(service.slack, 'CHELP').find((a) => a.includes('noon in the canteen')));
    expect(threadReplies('CHELP', followUp.ts)).toEqual([]);
    expect(JSON.stringify(service.openai.requests.map((r) => r.body))).not.toContain('zebra');
    expect(postsIn('CHELP').filter((c) => c.args.thread_ts === '1700000000.000001')).toEqual([]);
  });

  it("sets each tenant's channels through the admin API, one tenant's never another's", async () => {
    expect(await (await admin('T1')).json()).toMatchObject({
      tenant: 'T1',
      channels: ['CHELP'],
      configured: ['CALWAYS'],
      uncovered: 'react',
    });
    expect(await (await admin('E1')).json()).toMatchObject({ channels: [] });
    const bad = await admin('E1', { method: 'PUT', body: JSON.stringify({ channels: ['C1; drop'] }) });
    expect(bad.status).toBe(400);
    const put = await admin('E1', { method: 'PUT', body: JSON.stringify({ channels: ['CORG', 'CORG'] }) });
    expect(await put.json()).toMatchObject({ tenant: 'E1', channels: ['CORG'] });
    expect(await (await admin('T1')).json()).toMatchObject({ channels: ['CHELP'] });

    // The org's tenant answers in its channel; T1's channel is not the org's.
    const inOther = await say('CHELP', 'how are org API keys rotated?', {}, orgWide);
    const inOrg = await say('CORG', 'how are org API keys rotated?', {}, orgWide);
    await until(() => threadReplies('CORG', inOrg.ts)[0]);
    expect(JSON.stringify(threadReplies('CORG', inOrg.ts)[0]?.args.blocks)).toContain('platform team');
    expect(threadReplies('CHELP', inOther.ts)).toEqual([]);
    // A configured channel answers for every tenant.
    const always = await say('CALWAYS', 'how do I rotate the production API key?');
    await until(() => threadReplies('CALWAYS', always.ts)[0]);
  });
});

describe('a mention in a thread people started', () => {
  it("answers the thread's question, read from the thread without bots' messages", async () => {
    const parent = nextTs();
    service.slack.threads.set(`CTEAM:${parent}`, [
      { ts: parent, user: 'U1', text: 'Where is lunch served?' },
      { ts: nextTs(), user: 'U2', text: 'not sure' },
      { ts: nextTs(), user: 'UX', bot_id: 'B9', text: 'How do I rotate the production API key?' },
    ]);
    const mention = { type: 'app_mention', channel: 'CTEAM', user: 'U2', thread_ts: parent, ts: nextTs() };
    await service.sendEvent({ ...mention, text: '<@UBOT> can you answer this?' });
    const answer = await until(() => answersIn(service.slack, 'CTEAM')[0]);
    expect(answer).toContain('noon in the canteen');
    const [read] = service.slack.callsTo('conversations.replies');
    expect(read?.args).toMatchObject({ channel: 'CTEAM', ts: parent, latest: mention.ts });
  });
});
