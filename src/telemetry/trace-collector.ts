import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TraceRecord } from '../core/ports/trace-store.js';
import { traceRecordOf } from './trace-view.js';

// Answers being made at once; past this the oldest unfinished one is forgotten.
const MAX_OPEN_TRACES = 1_000;
// Steps kept of one answer; a normal one has about ten.
const MAX_SPANS_PER_TRACE = 64;

interface OpenTrace {
  spans: ReadableSpan[];
  dropped: number;
}

/**
 * A span processor that gathers the spans of each answer and, once the answer's own span ends,
 * hands the whole trace on: the same spans an OTLP exporter sends, kept for the admin. Only traces
 * whose root span is `rootName` of the `scope` tracer are gathered; building and storing the trace
 * wait until the answer has gone back to its caller.
 */
export class TraceCollector implements SpanProcessor {
  private readonly open = new Map<string, OpenTrace>();
  private readonly handing = new Set<Promise<void>>();

  constructor(
    private readonly scope: string,
    private readonly rootName: string,
    private readonly onTrace: (trace: TraceRecord) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  onStart(span: Span): void {
    if (span.parentSpanContext || span.name !== this.rootName) return;
    if (span.instrumentationScope.name !== this.scope) return;
    if (this.open.size >= MAX_OPEN_TRACES) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    this.open.set(span.spanContext().traceId, { spans: [], dropped: 0 });
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const gathered = this.open.get(traceId);
    if (!gathered) return;
    if (span.parentSpanContext) {
      if (gathered.spans.length < MAX_SPANS_PER_TRACE) gathered.spans.push(span);
      else gathered.dropped++;
      return;
    }
    this.open.delete(traceId);
    // An answer that threw (its asker was throttled) returned no trace id anyone could look up.
    if (span.status.code === SpanStatusCode.ERROR) return;
    const handed = new Promise<void>((resolve) =>
      setImmediate(() => {
        try {
          this.onTrace(traceRecordOf(span, gathered.spans, gathered.dropped));
        } catch (error) {
          this.onError(error);
        }
        resolve();
      }),
    );
    this.handing.add(handed);
    handed.then(() => this.handing.delete(handed));
  }

  /** Resolves once every finished answer's trace has been handed on. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.handing);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.open.clear();
  }
}
