/** Coverage gaps grouped by wording: "How do I reset my password?" and "how to reset password" are one gap. */

export interface GapItem {
  question: string;
  count: number;
  lastAsked: string;
  why: 'unanswered' | 'down-voted';
}

export interface GapGroup {
  /** The wording asked most often, offered as the curated answer's question. */
  question: string;
  count: number;
  lastAsked: string;
  why: Set<GapItem['why']>;
  wordings: string[];
}

// Words that change no meaning of a question to an operator writing its answer.
const FILLER = new Set(
  'a an the to of in on for and or is are was be do does did i we you my our your it how what when where which who why can could should would please me us there this that with'.split(
    ' ',
  ),
);

/** The words that carry a question's meaning, lower-cased, singular-ish and sorted. */
export function normalisedKey(question: string): string {
  const words = question
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((word) => word && !FILLER.has(word))
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
  return [...new Set(words)].sort().join(' ') || question.trim().toLowerCase();
}

/** Gaps with the same meaning-carrying words together, the most asked first. */
export function groupGaps(items: GapItem[]): GapGroup[] {
  const groups = new Map<string, GapGroup & { counts: Map<string, number> }>();
  for (const item of items) {
    const key = normalisedKey(item.question);
    let group = groups.get(key);
    if (!group) {
      group = {
        question: item.question,
        count: 0,
        lastAsked: item.lastAsked,
        why: new Set(),
        wordings: [],
        counts: new Map(),
      };
      groups.set(key, group);
    }
    group.count += item.count;
    group.why.add(item.why);
    if (item.lastAsked > group.lastAsked) group.lastAsked = item.lastAsked;
    const asked = (group.counts.get(item.question) ?? 0) + item.count;
    group.counts.set(item.question, asked);
    if (!group.wordings.includes(item.question)) group.wordings.push(item.question);
    if (asked > (group.counts.get(group.question) ?? 0)) group.question = item.question;
  }
  return [...groups.values()]
    .map(({ counts: _, ...group }) => group)
    .sort((a, b) => b.count - a.count || b.lastAsked.localeCompare(a.lastAsked));
}
