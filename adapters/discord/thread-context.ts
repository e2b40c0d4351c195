import type { Message } from 'discord.js';
import { boundThread, THREAD_LIMITS, type ThreadMessage } from '../../src/core/thread-context.js';
import type { Logger } from '../../src/logger.js';

/**
 * What a mention may be asking about: the message it replies to, and, in a thread, the message
 * the thread was started on and the thread's earlier messages (people's only, bounded by
 * THREAD_LIMITS). Reading them needs the MESSAGE_CONTENT intent, as the mention itself does; what
 * cannot be read (no Read Message History permission, an error) gives no context, not no answer.
 */
export async function threadOfMention(message: Message, logger: Logger): Promise<ThreadMessage[]> {
  const { channel } = message;
  if (!channel.isThread() && !message.reference?.messageId) return [];
  const onError = (err: unknown) => {
    logger.warn({ err }, 'discord thread not read: answered without it');
    return null;
  };
  const [starter, earlier, repliedTo] = await Promise.all([
    // A thread opened without a message (a private thread, say) has no starter message: not an error.
    channel.isThread() ? channel.fetchStarterMessage().catch(() => null) : null,
    channel.isThread()
      ? channel.messages.fetch({ limit: THREAD_LIMITS.messages, before: message.id }).catch(onError)
      : null,
    message.reference?.messageId ? message.fetchReference().catch(onError) : null,
  ]);
  // Discord lists the newest first: the context reads oldest first, what was replied to last.
  const ordered: (Message | null)[] = [starter, ...[...(earlier?.values() ?? [])].reverse(), repliedTo];
  const seen = new Set<string>();
  const people: Message[] = [];
  for (const m of ordered) {
    if (!m || m.author.bot || seen.has(m.id) || m.id === message.id) continue;
    seen.add(m.id);
    people.push(m);
  }
  return boundThread(
    people.map((m) => ({ author: m.author.id, text: m.content.replace(/<@!?\d+>/g, '').trim() })),
    THREAD_LIMITS,
  );
}
