import type { Span, Tracer } from '@opentelemetry/api';
import { clip, inSpan } from './spans.js';
import type { AnswerStateType, AnswerUpdate } from './state.js';

// Passages named in a retrieval step's span; TOP_K is normally 5, at most 50.
const MAX_TRACED_PASSAGES = 20;

/**
 * What a step's span says about it: set before it runs (a default), and after, from the state as
 * it was and as the step left it (every per-turn field keeps the last value written).
 */
interface StepDescription {
  before?: (span: Span, state: AnswerStateType) => void;
  after?: (span: Span, before: AnswerStateType, after: AnswerStateType) => void;
}

type Node = (state: AnswerStateType, ...rest: never[]) => Promise<AnswerUpdate>;

/** Routers (`atStart`, `afterCache`…) choose the next node; they are decisions, not steps. */
const isRouter = (name: string) => /^(at|after)[A-Z]/.test(name);

/** `cacheWrite` → `cache_write`: span names in the style OpenTelemetry backends show. */
const stepName = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The graph's nodes, each run in a span named after it (a child of the answer's span), with what
 * the step decided as attributes. Routers are passed through as they are.
 */
export function tracedSteps<Nodes extends Record<string, unknown>>(nodes: Nodes, tracer: Tracer): Nodes {
  const traced: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(nodes)) {
    if (typeof node !== 'function' || isRouter(name)) {
      traced[name] = node;
      continue;
    }
    const describe = DESCRIPTIONS[name] ?? {};
    const run = node as Node;
    traced[name] = (state: AnswerStateType, ...rest: never[]) =>
      inSpan(tracer, stepName(name), {}, async (span) => {
        describe.before?.(span, state);
        const update = await run(state, ...rest);
        describe.after?.(span, state, { ...state, ...update } as AnswerStateType);
        return update;
      });
  }
  return traced as Nodes;
}

const DESCRIPTIONS: Record<string, StepDescription> = {
  classify: {
    after(span, before, after) {
      span.setAttributes({
        'docent.classification.intent': after.intent,
        'docent.classification.complexity': after.complexity,
        'docent.classification.standalone': clip(after.standalone),
        // Tokens spent means the cheap model decided; otherwise the offline rules did.
        'docent.classification.by': after.usage !== before.usage ? 'model' : 'offline rules',
      });
    },
  },
  cache: {
    after(span, before, after) {
      const decision = after.cached
        ? 'hit'
        : after.route === 'curated'
          ? 'curated'
          : after.missedKeys === before.missedKeys
            ? 'skipped'
            : 'miss';
      span.setAttributes({
        'docent.cache.decision': decision,
        'docent.cache.reason':
          decision === 'skipped'
            ? 'already missed under this key in this answer'
            : before.standalone
              ? 'looked up by the standalone question'
              : 'looked up by the question as asked',
      });
    },
  },
  retrieve: {
    after(span, _before, { passages, route }) {
      span.setAttribute('docent.passages.count', passages.length);
      if (route === 'fallback') span.setAttribute('docent.retrieve.late', true);
      passages.slice(0, MAX_TRACED_PASSAGES).forEach((p, i) => {
        span.addEvent('passage', {
          'docent.passage.rank': i + 1,
          'docent.passage.doc_id': p.docId,
          'docent.passage.title': clip(p.title),
          'docent.passage.source': clip(p.source),
          'docent.passage.score': Number(p.score.toFixed(6)),
        });
      });
    },
  },
  answer: { after: describeAnswer },
  escalate: { after: describeAnswer },
  cacheWrite: {
    // Stays unless the answer cache is written during the step (see tracedAnswerCache).
    before(span, state) {
      span.setAttributes({
        'docent.cache.decision': 'skipped',
        'docent.cache.reason': `not stored: route ${state.route}, ${state.covered ? 'covered' : 'not covered'}, ${state.cited.length} cited`,
      });
    },
  },
};

function describeAnswer(span: Span, _before: AnswerStateType, after: AnswerStateType): void {
  span.setAttributes({
    'docent.route': after.route,
    'docent.model': after.model,
    'docent.answer.covered': after.covered,
    'docent.answer.cited': after.cited.length,
    'docent.answer.confidence': after.confidence,
  });
  if (after.note) span.setAttribute('docent.note', clip(after.note));
}
