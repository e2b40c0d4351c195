import type { App } from '@slack/bolt';
import type { StatsStore } from '../../src/core/ports/stats-store.js';
import { FEEDBACK_ACTION } from './blocks.js';
import { tenantOf } from './origins.js';

/** 👍/👎 on an answer: recorded with its question and answer, and the voter thanked (only they see it). */
export function registerFeedback(app: App, stats: StatsStore): void {
  app.action(FEEDBACK_ACTION, async ({ ack, body, action, context, client }) => {
    await ack();
    const vote = (action as { action_id: string }).action_id.endsWith('_up') ? 'up' : 'down';
    const answerId = (action as { value?: string }).value ?? '';
    const answered = await stats.findAnswer(answerId);
    await stats.recordFeedback({
      answerId,
      at: new Date().toISOString(),
      tenantId: answered?.tenantId ?? tenantOf(context),
      userId: body.user.id,
      vote,
      question: answered?.question ?? '',
      answer: answered?.answer ?? '',
    });
    const channel = (body as { channel?: { id: string } }).channel?.id;
    if (channel)
      await client.chat.postEphemeral({
        channel,
        user: body.user.id,
        text: vote === 'up' ? 'Thanks, glad it helped.' : 'Thanks, noted: this helps us fix the docs.',
      });
  });
}
