import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersIn } from '../helpers/slack-events.js';
import { type SlackService, startSlackService, textsSentTo } from '../helpers/slack-service.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

// What Docent may show, to whom, in Slack: escaping, Slack Connect, and channels that change.
const CHANNEL_INFO_TTL_MS = 1500;
let service: SlackService;
let counter = 0;

const sendEvent = (event: Record<string, unknown>, envelope?: Record<string, unknown>) =>
  service.sendEvent(event, envelope);

const mention = (channel: string, text: string) => ({
  type: 'app_mention',
  user: 'U1',
  text: `<@UBOT> ${text}`,
  ts: `1800001${String(++counter).padStart(3, '0')}.000100`,
  channel,
});

const answerIn = (channel: string, count = 1) => until(() => answersIn(service.slack, channel)[count - 1]);

/** Shares a text file into a channel as Slack's file_shared event says it (no channel type). */
async function shareFile(id: string, channel: string, content: string): Promise<void> {
  const ts = `1800002${String(++counter).padStart(3, '0')}.000100`;
  service.slack.files.set(id, { id, name: `${id}.txt`, filetype: 'text', content, channel, ts });
  await sendEvent({ type: 'file_shared', file_id: id, user_id: 'U1', channel_id: channel, event_ts: ts });
}

/** The scope a document was stored with, once it is stored. */
async function scopeOf(source: string): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const doc = (await service.services.knowledgeBase.listDocuments('T1')).find((d) => d.source === source);
    if (doc) return doc.scope;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${source} was not stored`);
}

beforeAll(async () => {
  service = await startSlackService({ SLACK_CHANNEL_INFO_TTL_MS: String(CHANNEL_INFO_TTL_MS) });
  const docs: [string, string, string][] = [
    [
      'T1',
      'freeze.md',
      '# <!channel> Deploy freeze\n\nThe deploy freeze starts Friday at noon; ask <!chan<!here>nel> first.',
    ],
    [
      'T1',
      'sso.md',
      '# Single sign-on\n\nTo log in with single sign-on open `<https://evil.example/login|SSO portal>` and ping `<@U0ADMIN>`.\n\n```\n<@U0ROOT> <!subteam^S1>\n```',
    ],
    ['E1', 'parking.md', '# Parking\n\nVisitor parking is on level minus two.'],
  ];
  for (const [tenantId, source, text] of docs)
    await service.services.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source,
      fetchData: bytesOf(text),
    });
});

afterAll(async () => {
  await service?.close();
});

// A mention (<@U…>, <!channel>, <!subteam^…>), a channel link (<#C…>) or a link (<http…>).
const MARKUP = /<[@!#]|<https?:/;

describe('text from documents and models reaches Slack escaped', () => {
  it('escapes titles, passages, the fallback text and code, in answers to mentions and /ask', async () => {
    await sendEvent(mention('CESC', 'when does the deploy freeze start?'));
    expect(await answerIn('CESC')).toContain('Friday at noon');
    await service.signedPost(
      new URLSearchParams({
        command: '/ask',
        text: '<!channel> how do I log in with single sign-on?',
        team_id: 'T1',
        channel_id: 'CESC2',
        channel_name: 'general',
        user_id: 'U1',
        trigger_id: 'trig-esc',
        response_url: `${service.slack.apiUrl}response`,
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(await answerIn('CESC2')).toContain('SSO portal');
    const sent = [...textsSentTo(service.slack, 'CESC'), ...textsSentTo(service.slack, 'CESC2')];
    expect(sent.join('\n')).toContain('&lt;!channel&gt; Deploy freeze');
    expect(sent.join('\n')).toContain('`&lt;@U0ADMIN&gt;`');
    for (const text of sent) expect(text).not.toMatch(MARKUP);
  });

  it('escapes file names in "Indexed" and failure replies', async () => {
    service.slack.files.set('FESC1', {
      id: 'FESC1',
      name: '<!here> lunch.txt',
      filetype: 'text',
      content: 'Lunch is at one.',
      channel: 'CESCF',
      ts: '1800000100.000100',
    });
    service.slack.files.set('FESC2', {
      id: 'FESC2',
      name: '<@U0ADMIN>.png',
      // A PNG signature with no image after it: read with OCR, it is damaged.
      content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      channel: 'CESCF',
      ts: '1800000100.000100',
    });
    await sendEvent({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'channel',
      user: 'U1',
      text: '',
      ts: '1800000100.000100',
      channel: 'CESCF',
      files: [{ id: 'FESC1' }, { id: 'FESC2' }],
    });
    const reply = await until(() =>
      service.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'CESCF'),
    );
    expect(reply.args.text).toBe(
      'Indexed &lt;!here&gt; lunch.txt: 1 passage.\nCould not index &lt;@U0ADMIN&gt;.png: the image is damaged and could not be read.',
    );
  });
});

describe('Slack Connect and Enterprise Grid', () => {
  it('answers in a channel shared with another organisation from that channel’s documents only', async () => {
    await sendEvent(mention('CHOME', 'when does the deploy freeze start?'));
    expect(await answerIn('CHOME')).toContain('Friday at noon');
    service.slack.channels.set('CEXT', { is_shared: true, is_ext_shared: true });
    await sendEvent(mention('CEXT', 'when does the deploy freeze start?'));
    expect(await answerIn('CEXT')).not.toContain('Friday at noon');
  });

  it('keeps a file shared where another organisation reads in that channel, and answers from it there', async () => {
    // Slack says so in the envelope...
    service.slack.files.set('FEXT1', {
      id: 'FEXT1',
      name: 'partner.txt',
      filetype: 'text',
      content: 'The partner escrow account number is 4417.',
    });
    await sendEvent(
      {
        type: 'message',
        subtype: 'file_share',
        channel_type: 'channel',
        user: 'U1',
        text: '',
        ts: '1800000200.000100',
        channel: 'CEXT2',
        files: [{ id: 'FEXT1' }],
      },
      { is_ext_shared_channel: true },
    );
    expect(await scopeOf('partner.txt')).toBe('channel:CEXT2');
    // ...or the author belongs to another workspace than the installation's.
    service.slack.files.set('FEXT2', {
      id: 'FEXT2',
      name: 'guest.txt',
      filetype: 'text',
      content: 'Guest notes.',
    });
    await sendEvent({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'channel',
      user: 'UGUEST',
      user_team: 'TPARTNER',
      team: 'TPARTNER',
      text: '',
      ts: '1800000201.000100',
      channel: 'CGUEST',
      files: [{ id: 'FEXT2' }],
    });
    expect(await scopeOf('guest.txt')).toBe('channel:CGUEST');
    await sendEvent(mention('CEXT2', 'what is the partner escrow account number?'), {
      is_ext_shared_channel: true,
    });
    expect(await answerIn('CEXT2')).toContain('4417');
  });

  it('takes the Enterprise Grid org as the tenant of an org-wide install', async () => {
    await sendEvent(mention('CORG', 'where is visitor parking?'), {
      team_id: 'T1',
      enterprise_id: 'E1',
      is_enterprise_install: true,
      authorizations: [
        { enterprise_id: 'E1', team_id: null, user_id: 'UBOT', is_bot: true, is_enterprise_install: true },
      ],
    });
    expect(await answerIn('CORG')).toContain('level minus two');
  });
});

describe('channel privacy and sharing as they change', () => {
  it('sees a channel made private, or shared, as soon as Slack says so', async () => {
    await shareFile('FFLIP1', 'CFLIP', 'Flip notes one.');
    await until(() => service.slack.callsTo('conversations.info').find((c) => c.args.channel === 'CFLIP'));
    service.slack.channels.set('CFLIP', { is_private: true });
    await sendEvent({
      type: 'message',
      subtype: 'channel_convert_to_private',
      user: 'U1',
      text: 'made this channel *private*.',
      ts: '1800000300.000100',
      channel: 'CFLIP',
      channel_type: 'group',
    });
    await shareFile('FFLIP2', 'CFLIP', 'Flip notes two.');
    expect(await scopeOf('FFLIP1.txt')).toBe('tenant');
    expect(await scopeOf('FFLIP2.txt')).toBe('channel:CFLIP');

    await sendEvent(mention('CSHARE', 'when does the deploy freeze start?'));
    expect(await answerIn('CSHARE')).toContain('Friday at noon');
    service.slack.channels.set('CSHARE', { is_shared: true, is_ext_shared: true });
    await sendEvent({
      type: 'channel_shared',
      connected_team_id: 'TPARTNER',
      channel: 'CSHARE',
      event_ts: '1',
    });
    await sendEvent(mention('CSHARE', 'when does the deploy freeze start?'));
    expect(await answerIn('CSHARE', 2)).not.toContain('Friday at noon');
  });

  it('asks Slack again once what it said has expired, even when no event came', async () => {
    await shareFile('FEXP1', 'CEXPIRE', 'Expiry notes one.');
    const looked = await until(() =>
      service.slack.callsTo('conversations.info').find((c) => c.args.channel === 'CEXPIRE'),
    );
    service.slack.channels.set('CEXPIRE', { is_private: true });
    await new Promise((r) => setTimeout(r, Math.max(0, looked.at + CHANNEL_INFO_TTL_MS + 100 - Date.now())));
    await shareFile('FEXP2', 'CEXPIRE', 'Expiry notes two.');
    expect(await scopeOf('FEXP1.txt')).toBe('tenant');
    expect(await scopeOf('FEXP2.txt')).toBe('channel:CEXPIRE');
  });
});
