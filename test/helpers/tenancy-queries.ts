import { type CanaryDoc, mayRead, type Place, type World } from './tenancy-world.js';

/** One generated question: who asks where, in which conversation, aiming at which document. */
export interface Query {
  index: number;
  place: Place;
  text: string;
  /** The document whose words the question uses. */
  target: CanaryDoc;
  kind: 'targeted' | 'words' | 'topic' | 'canary' | 'mixed' | 'followUp' | 'echo' | 'repeat';
  threadId: string;
  opensThread: boolean;
  /** The earlier query whose exact words this one asks again: elsewhere (an echo) or in the same place. */
  wordsOf?: Query;
}

/** Mulberry32: a small seeded generator, so every run asks the same questions in the same order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A conversation that runs on (a DM, a Discord thread): every question there continues it. */
function runningThread(place: Place): string | undefined {
  if (place.isDirectMessage) return `${place.channelId}:dm`;
  return place.thread;
}

/**
 * `count` questions from every place, most of them aimed at documents the asker may not read:
 * the target's own words, its canary, its topic, words of two documents at once, follow-ups in a
 * thread, and the exact words of an earlier question that was answered from a scope this asker
 * may not read (the answer cache must keep them apart).
 */
export function generateQueries(world: World, count: number, seed: number): Query[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const queries: Query[] = [];
  let conversations = 0;

  const add = (q: Omit<Query, 'index' | 'threadId' | 'opensThread'>, thread?: string) => {
    const running = runningThread(q.place);
    const threadId = running ?? thread ?? `${q.place.channelId}:q${++conversations}`;
    const query = { ...q, index: queries.length, threadId, opensThread: !running && !thread };
    queries.push(query);
    return query;
  };

  /** An aim at what the place may read, at what its tenant keeps from it, or at another tenant. */
  const targetFor = (place: Place): CanaryDoc => {
    const readable = world.docs.filter((d) => mayRead(place, d));
    const sameTenant = world.docs.filter((d) => d.tenantId === place.tenantId && !mayRead(place, d));
    const elsewhere = world.docs.filter((d) => d.tenantId !== place.tenantId);
    const roll = random();
    if (roll < 0.35 && readable.length > 0) return pick(readable);
    if (roll < 0.8 && sameTenant.length > 0) return pick(sameTenant);
    return pick(elsewhere);
  };

  const fresh = (place: Place) => {
    const target = targetFor(place);
    const [a, b] = target.words;
    const { phrase } = target.topic;
    const roll = random();
    if (roll < 0.4) return add({ place, target, kind: 'targeted', text: `What is the ${a} ${b} ${phrase}?` });
    if (roll < 0.6) return add({ place, target, kind: 'words', text: `${a} ${b}` });
    if (roll < 0.72) return add({ place, target, kind: 'topic', text: `what's the ${phrase}?` });
    if (roll < 0.85) return add({ place, target, kind: 'canary', text: `what is ${target.canary} for?` });
    const other = pick(world.docs);
    const text = `Is the ${a} ${other.words[0]} ${phrase} the same as the ${other.words[1]} ${b} one?`;
    return add({ place, target, kind: 'mixed', text });
  };

  while (queries.length < count) {
    const roll = random();
    const openers = queries.filter((q) => !runningThread(q.place));
    const answerable = queries.filter((q) => mayRead(q.place, q.target));
    if (roll < 0.1 && openers.length > 0) {
      // A follow-up in an earlier conversation, aimed anywhere.
      const earlier = pick(openers);
      const target = targetFor(earlier.place);
      const text = `and the ${target.words.join(' ')} one?`;
      add({ place: earlier.place, target, kind: 'followUp', text }, earlier.threadId);
    } else if (roll < 0.25 && answerable.length > 0) {
      // The same words where the earlier target may not be read: its tenant's other places mostly.
      const earlier = pick(answerable);
      const barred = world.places.filter((p) => !mayRead(p, earlier.target));
      const neighbours = barred.filter((p) => p.tenantId === earlier.place.tenantId);
      const place = pick(neighbours.length > 0 && random() < 0.7 ? neighbours : barred);
      add({ place, target: earlier.target, kind: 'echo', text: earlier.text, wordsOf: earlier });
    } else if (roll < 0.3 && queries.length > 0) {
      const earlier = pick(queries);
      const { place, target, text } = earlier;
      add({ place, target, kind: 'repeat', text, wordsOf: earlier });
    } else fresh(pick(world.places));
  }
  return queries;
}
