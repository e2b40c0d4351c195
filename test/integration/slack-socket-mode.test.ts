import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatforms, type RunningPlatform } from '../../src/composition/platforms.js';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { makePdf } from '../helpers/make-files.js';
import { scriptQuotingModel } from '../helpers/model-brain.js';
import { answersIn, eventCallback } from '../helpers/slack-events.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// The same flows as over HTTP, delivered through a Socket Mode connection instead.
let slack: FakeSlack;
let openai: FakeOpenAI;
let services: Services;
let platforms: RunningPlatform[];
let dir: string;

const callback = eventCallback;
const sectionsIn = (channel: string) => answersIn(slack, channel);

beforeAll(async () => {
  slack = await startFakeSlack();
  openai = await startFakeOpenAI();
  scriptQuotingModel(openai);
  dir = await mkdtemp(path.join(tmpdir(), 'docent-socket-'));
  services = await createServices(
    loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: 'xapp-test',
      SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: openai.url,
      EMBEDDINGS: 'local',
    }),
  );
  await services.knowledgeBase.ingest({
    tenantId: 'T1',
    scope: 'tenant',
    source: 'keys.md',
    fetchData: bytesOf('# API keys\n\nRotate the production API key from Settings, then API, then Rotate.'),
  });
  platforms = await createPlatforms(services);
  expect(platforms[0]?.httpPlugin).toBeUndefined();
  for (const p of platforms) await p.start();
  await until(() => slack.socketConnected());
});

afterAll(async () => {
  for (const p of platforms) await p.stop();
  await services.close();
  await slack.close();
  await openai.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Slack over Socket Mode', () => {
  it('acknowledges and answers /ask', async () => {
    const envelope = slack.sendEnvelope('slash_commands', {
      command: '/ask',
      text: 'how do I rotate the API key?',
      team_id: 'T1',
      channel_id: 'SPUB',
      channel_name: 'general',
      user_id: 'U1',
      trigger_id: 'strig-1',
      response_url: `${slack.apiUrl}response`,
      api_app_id: 'A1',
    });
    await until(() => slack.acked(envelope));
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'SPUB' && c.args.blocks !== undefined),
    );
    expect(sectionsIn('SPUB')[0]).toContain('Rotate the production API key');
  });

  it('answers a mention in its thread and a follow-up there, once despite a redelivery', async () => {
    const mention = {
      type: 'app_mention',
      user: 'U2',
      text: '<@UBOT> how do I rotate the API key?',
      ts: '1900000000.000100',
      channel: 'SMENT',
    };
    slack.sendEnvelope('events_api', callback(mention, 'SEv1'));
    slack.sendEnvelope('events_api', callback(mention, 'SEv1'));
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'SMENT' && c.args.blocks !== undefined),
    );
    const followUp = {
      type: 'message',
      channel_type: 'channel',
      user: 'U2',
      text: 'what about it?',
      ts: '1900000001.000100',
      thread_ts: '1900000000.000100',
      channel: 'SMENT',
    };
    slack.sendEnvelope('events_api', callback(followUp, 'SEv2'));
    await until(() => (sectionsIn('SMENT').length >= 2 ? true : undefined));
    expect(sectionsIn('SMENT')[1]).toContain('Rotate the production API key');
    expect(
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'SMENT' && c.args.thread_ts === '1900000000.000100'),
    ).toHaveLength(2);
  });

  it('answers a DM in the DM', async () => {
    slack.sendEnvelope(
      'events_api',
      callback(
        {
          type: 'message',
          channel_type: 'im',
          user: 'U3',
          text: 'how do I rotate the API key?',
          ts: '1900000002.000100',
          channel: 'SDM',
        },
        'SEv3',
      ),
    );
    await until(() =>
      slack.callsTo('chat.update').find((c) => c.args.channel === 'SDM' && c.args.blocks !== undefined),
    );
    expect(sectionsIn('SDM')[0]).toContain('Rotate the production API key');
  });

  it('ingests a PDF shared into a private channel, for that channel only', async () => {
    slack.files.set('SF1', {
      id: 'SF1',
      name: 'vault.pdf',
      filetype: 'pdf',
      content: makePdf([['The break-glass vault code is kept by the security lead.']]),
      channel: 'SPRIV',
      ts: '1900000003.000100',
      private: true,
    });
    slack.sendEnvelope(
      'events_api',
      callback(
        {
          type: 'message',
          subtype: 'file_share',
          channel_type: 'group',
          user: 'U4',
          text: '',
          ts: '1900000003.000100',
          channel: 'SPRIV',
          files: [{ id: 'SF1' }],
        },
        'SEv4',
      ),
    );
    const reply = await until(() =>
      slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'SPRIV'),
    );
    expect(reply.args.text).toBe('Indexed vault.pdf: 1 passage.');
    expect(
      (await services.knowledgeBase.listDocuments('T1')).find((d) => d.source === 'vault.pdf')?.scope,
    ).toBe('channel:SPRIV');
  });

  it('records feedback from a button press', async () => {
    const update = slack
      .callsTo('chat.update')
      .find((c) => c.args.channel === 'SPUB' && c.args.blocks !== undefined);
    const actions = ((update?.args.blocks ?? []) as { type: string; elements?: { value: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    const answerId = actions?.elements?.[0]?.value as string;
    slack.sendEnvelope('interactive', {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1' },
      channel: { id: 'SPUB' },
      api_app_id: 'A1',
      token: 'x',
      trigger_id: 'strig-2',
      actions: [
        {
          type: 'button',
          action_id: 'docent_feedback_up',
          block_id: `feedback:${answerId}`,
          value: answerId,
          action_ts: '1',
        },
      ],
    });
    await until(() => slack.callsTo('chat.postEphemeral').find((c) => c.args.channel === 'SPUB'));
    expect((await services.history.feedback({ tenantId: 'T1' }))[0]).toMatchObject({
      vote: 'up',
      question: 'how do I rotate the API key?',
    });
  });
});
