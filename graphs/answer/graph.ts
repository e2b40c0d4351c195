import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, START, StateGraph } from '@langchain/langgraph';
import type { AnswerGraphDeps } from './model-calls.js';
import { createAnswerNodes } from './nodes.js';
import { tracerOr } from './spans.js';
import { AnswerState } from './state.js';
import { tracedSteps } from './traced-steps.js';

/**
 * (cache, for a thread's first question) → classify → smalltalk | out of scope | cache → retrieve
 * → generate → (escalate) → cache write, every path ending in `remember`, which appends the turn
 * to the thread's history.
 */
export function buildAnswerGraph(deps: AnswerGraphDeps, checkpointer: BaseCheckpointSaver) {
  const n = tracedSteps(createAnswerNodes(deps), tracerOr(deps.tracer));
  return new StateGraph(AnswerState)
    .addNode('classify', n.classify)
    .addNode('smalltalk', n.smalltalk)
    .addNode('outOfScope', n.outOfScope)
    .addNode('cache', n.cache)
    .addNode('retrieve', n.retrieve)
    .addNode('generate', n.answer)
    .addNode('escalate', n.escalate)
    .addNode('cacheWrite', n.cacheWrite)
    .addNode('remember', n.remember)
    .addConditionalEdges(START, n.atStart, ['cache', 'classify'])
    .addConditionalEdges('classify', n.afterClassify, ['smalltalk', 'outOfScope', 'cache'])
    .addEdge('smalltalk', 'remember')
    .addEdge('outOfScope', 'remember')
    .addConditionalEdges('cache', n.afterCache, ['remember', 'retrieve', 'classify'])
    .addConditionalEdges('retrieve', n.afterRetrieve, ['generate', 'remember'])
    .addConditionalEdges('generate', n.afterAnswer, ['escalate', 'cacheWrite'])
    .addEdge('escalate', 'cacheWrite')
    .addEdge('cacheWrite', 'remember')
    .addEdge('remember', END)
    .compile({ checkpointer });
}

export type AnswerGraph = ReturnType<typeof buildAnswerGraph>;
