import type { App } from '@slack/bolt';
import type { HistoryStore } from '../../src/core/ports/history-store.js';
import { VOTE_NOT_COUNTED } from '../../src/core/ports/history-store.js';
import { FEEDBACK_ACTION } from './blocks.js';
import { tenantOf } from './origins.js';

/** 👍/👎 on an answer: recorded against it, and the voter thanked (only they see it). */
export function registerFeedback(app: App, history: HistoryStore): void {
  app.action(FEEDBACK_ACTION, async ({ ack, body, action, context, client }) => {
    await ack();
    const vote = (action as { action_id: string }).action_id.endsWith('_up') ? 'up' : 'down';
    const answerId = (action as { value?: string }).value ?? '';
    const counted = await history.recordVote({
      answerId,
      atMs: Date.now(),
      tenantId: tenantOf(context),
      voterId: body.user.id,
      vote,
    });
    const channel = (body as { channel?: { id: string } }).channel?.id;
    if (channel)
      await client.chat.postEphemeral({
        channel,
        user: body.user.id,
        text: !counted
          ? VOTE_NOT_COUNTED
          : vote === 'up'
            ? 'Thanks, glad it helped.'
            : 'Thanks, noted: this helps us fix the docs.',
      });
  });
}
