import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { reciprocalRankFusion } from '../../src/core/rank-fusion.js';
import type { Passage } from '../../src/core/types.js';
import type { AnswerStateType } from './state.js';

/** The passages a question is answered from, within the asker's audience. */
export async function passagesFor(
  knowledgeBase: KnowledgeBase,
  state: AnswerStateType,
  /** Classified by the offline rules, which rewrite a follow-up by prefixing the earlier question. */
  offline: boolean,
): Promise<Passage[]> {
  // Searched at the knowledge versions the answer is cached under, or newer.
  const options = { knowledgeVersions: state.versions };
  const passages = await knowledgeBase.search(state.standalone, state.audience, options);
  if (!offline || state.standalone === state.question) return passages;
  // The prefixed earlier question's words can drown the new ones; searching the new message too
  // and fusing keeps both in view.
  const latest = await knowledgeBase.search(state.question, state.audience, options);
  return reciprocalRankFusion(
    [
      { items: passages, weight: 1 },
      { items: latest, weight: 1 },
    ],
    (p) => p.chunkId,
  )
    .slice(0, knowledgeBase.topK)
    .map(({ item }) => item);
}
