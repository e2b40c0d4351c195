import { type Attributes, type HrTime, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { TracedPassage, TraceEventView, TraceRecord, TraceStepView } from '../core/ports/trace-store.js';

// The stored trace is cut to this size: a trace explains one answer, it must not outweigh it.
const MAX_TRACE_CHARS = 48_000;
const PASSAGE = 'docent.passage.';

const milliseconds = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;
const rounded = (ms: number) => Math.round(ms * 1000) / 1000;

/** One answer's spans as the admin reads them: every step timed from the start of the answer. */
export function traceRecordOf(root: ReadableSpan, spans: ReadableSpan[], dropped: number): TraceRecord {
  const startMs = milliseconds(root.startTime);
  const names = new Map(spans.map((s) => [s.spanContext().spanId, s.name]));
  const steps = [...spans]
    .sort((a, b) => milliseconds(a.startTime) - milliseconds(b.startTime))
    .map((span) => stepOf(span, startMs, names));
  const traceId = root.spanContext().traceId;
  const tenantId = String(root.attributes['docent.tenant_id'] ?? '');
  const durationMs = milliseconds(root.duration);
  const trace = {
    trace_id: traceId,
    tenant_id: tenantId,
    started_at: new Date(startMs).toISOString(),
    duration_ms: rounded(durationMs),
    attributes: { ...root.attributes },
    steps,
    dropped_steps: dropped,
  };
  while (steps.length > 0 && JSON.stringify(trace).length > MAX_TRACE_CHARS) {
    steps.pop();
    trace.dropped_steps++;
  }
  return { traceId, tenantId, answeredMs: Math.round(startMs + durationMs), trace };
}

function stepOf(span: ReadableSpan, startMs: number, names: Map<string, string>): TraceStepView {
  const parentId = span.parentSpanContext?.spanId;
  const passages = span.events.filter((e) => e.name === 'passage').map(passageOf);
  const others = span.events.filter((e) => e.name !== 'passage').map((e) => eventOf(e, startMs));
  return {
    name: span.name,
    parent: (parentId && names.get(parentId)) ?? null,
    start_ms: rounded(milliseconds(span.startTime) - startMs),
    duration_ms: rounded(milliseconds(span.duration)),
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : 'ok',
    ...(span.status.message ? { error: span.status.message } : {}),
    attributes: { ...span.attributes },
    ...(passages.length > 0 ? { passages } : {}),
    ...(others.length > 0 ? { events: others } : {}),
  };
}

function passageOf(event: TimedEvent): TracedPassage {
  const a: Attributes = event.attributes ?? {};
  return {
    rank: Number(a[`${PASSAGE}rank`] ?? 0),
    doc_id: String(a[`${PASSAGE}doc_id`] ?? ''),
    title: String(a[`${PASSAGE}title`] ?? ''),
    source: String(a[`${PASSAGE}source`] ?? ''),
    score: Number(a[`${PASSAGE}score`] ?? 0),
  };
}

function eventOf(event: TimedEvent, startMs: number): TraceEventView {
  return {
    name: event.name,
    at_ms: rounded(milliseconds(event.time) - startMs),
    attributes: { ...event.attributes },
  };
}
