/** A passage a step found, without its text: which document, and how well it matched. */
export interface TracedPassage {
  rank: number;
  doc_id: string;
  title: string;
  source: string;
  score: number;
}

/** Something that happened within a step at one moment. */
export interface TraceEventView {
  name: string;
  at_ms: number;
  attributes: Record<string, unknown>;
}

/** One step of an answer (a graph node, a model call), timed from the start of the answer. */
export interface TraceStepView {
  name: string;
  /** The step this one ran within; null for the answer's own steps. */
  parent: string | null;
  start_ms: number;
  duration_ms: number;
  status: 'ok' | 'error';
  error?: string;
  /** What the step decided or measured, under the same names as the exported span attributes. */
  attributes: Record<string, unknown>;
  passages?: TracedPassage[];
  events?: TraceEventView[];
}

/** How one answer was made, as the admin reads it. */
export interface TraceView {
  trace_id: string;
  tenant_id: string;
  started_at: string;
  duration_ms: number;
  /** The answer's own figures (route, model, tokens, cost), as on its span. */
  attributes: Record<string, unknown>;
  steps: TraceStepView[];
  /** Steps left out to keep the trace small. */
  dropped_steps: number;
}

export interface TraceRecord {
  traceId: string;
  tenantId: string;
  /** When the answer was given, in milliseconds since the epoch; retention counts from it. */
  answeredMs: number;
  trace: TraceView;
}

/** The traces of answers, kept as long as the question history. */
export interface TraceStore {
  /** Never slows the answer it records: the write happens after, and a failure is logged. */
  record(trace: TraceRecord): void;
  /** A trace of this tenant; another tenant's trace is not found. */
  find(tenantId: string, traceId: string): Promise<TraceView | undefined>;
  /** Drops traces older than the retention; run with the other upkeep. */
  prune(): Promise<void>;
  close(): Promise<void>;
}
