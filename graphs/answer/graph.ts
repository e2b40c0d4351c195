import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import { type AnswerGraphDeps, createAnswerNodes } from './nodes.js';
import { AnswerState, type AnswerStateType, type AnswerUpdate } from './state.js';

/**
 * quick lookup (first turn) → classify → smalltalk | out of scope | cache lookup → retrieve → generate
 * → (escalate) → cache write,
 * every path ending in `remember`, which appends the turn to the thread's history.
 */
export function buildAnswerGraph(deps: AnswerGraphDeps, checkpointer: BaseCheckpointSaver) {
  const n = createAnswerNodes(deps);
  return new StateGraph(AnswerState)
    .addNode('quickLookup', n.quickLookup)
    .addNode('classify', n.classify)
    .addNode('smalltalk', n.smalltalk)
    .addNode('outOfScope', n.outOfScope)
    .addNode('cacheLookup', n.cacheLookup)
    .addNode('retrieve', n.retrieve)
    .addNode('generate', n.answer)
    .addNode('escalate', n.escalate)
    .addNode('cacheWrite', n.cacheWrite)
    .addNode('remember', n.remember)
    .addEdge(START, 'quickLookup')
    .addConditionalEdges('quickLookup', n.afterQuickLookup, ['remember', 'classify'])
    .addConditionalEdges('classify', n.afterClassify, ['smalltalk', 'outOfScope', 'cacheLookup'])
    .addEdge('smalltalk', 'remember')
    .addEdge('outOfScope', 'remember')
    .addConditionalEdges('cacheLookup', n.afterCacheLookup, ['remember', 'retrieve'])
    .addConditionalEdges('retrieve', n.afterRetrieve, ['generate', 'remember'])
    .addConditionalEdges('generate', n.afterAnswer, ['escalate', 'cacheWrite'])
    .addEdge('escalate', 'cacheWrite')
    .addEdge('cacheWrite', 'remember')
    .addEdge('remember', END)
    .compile({ checkpointer });
}

export type AnswerGraph = ReturnType<typeof buildAnswerGraph>;

export type AnswerGraphInput = AnswerUpdate;
export interface AnswerGraphOptions {
  configurable: { thread_id: string };
  durability: 'exit';
}

/** What answering needs of the graph: the compiled graph itself, or the answer thread running it. */
export interface AnswerGraphRunner {
  invoke(input: AnswerGraphInput, options: AnswerGraphOptions): Promise<AnswerStateType>;
}
