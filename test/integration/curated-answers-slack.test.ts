import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersIn } from '../helpers/slack-events.js';
import { type SlackService, startSlackService, textsSentTo } from '../helpers/slack-service.js';
import { bytesOf } from '../helpers/temp-kb.js';
import { until } from '../helpers/until.js';

let service: SlackService;
let counter = 0;

const mention = (channel: string, text: string) => ({
  type: 'app_mention',
  user: 'U1',
  text: `<@UBOT> ${text}`,
  ts: `1800003${String(++counter).padStart(3, '0')}.000100`,
  channel,
});

beforeAll(async () => {
  service = await startSlackService();
  await service.services.knowledgeBase.ingest({
    tenantId: 'T1',
    scope: 'tenant',
    source: 'lunch.md',
    fetchData: bytesOf('# Lunch\n\nLunch is served at noon in the canteen.'),
  });
  await service.services.curated.create('T1', 'channel:CLUNCH', {
    question: 'When is lunch?',
    answer: 'Lunch moves to 1 pm this week, <!channel>.',
  });
});
afterAll(async () => service?.close());

describe('a curated answer in Slack', () => {
  it("is credited to the team's admins, cites itself, and is kept to its channel", async () => {
    await service.sendEvent(mention('CLUNCH', 'when is lunch?'));
    expect(await until(() => answersIn(service.slack, 'CLUNCH')[0])).toContain(
      'Lunch moves to 1 pm this week',
    );
    const sent = textsSentTo(service.slack, 'CLUNCH').join('\n');
    expect(sent).toContain("Answer from your team's admins");
    expect(sent).toContain('Curated answer (admin:');
    // Written by a person, it still pings no one.
    expect(sent).not.toContain('<!channel>');
    await service.sendEvent(mention('COTHER', 'when is lunch?'));
    expect(await until(() => answersIn(service.slack, 'COTHER')[0])).toContain('noon in the canteen');
    expect(textsSentTo(service.slack, 'COTHER').join('\n')).not.toContain('admins');
  });
});
