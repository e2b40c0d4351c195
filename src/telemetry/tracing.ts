import { context, DiagLogLevel, diag, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';
import type { TraceRecord } from '../core/ports/trace-store.js';
import type { Logger } from '../logger.js';
import { TraceCollector } from './trace-collector.js';

// Spans stay small whatever a step records: a few dozen attributes, texts cut short, passages bounded.
const SPAN_LIMITS = { attributeCountLimit: 64, attributeValueLengthLimit: 1000, eventCountLimit: 32 };

export interface Tracing {
  tracer: Tracer;
  /** Hands on the traces of finished answers and sends what waits for the collector. */
  close(): Promise<void>;
}

export interface TracingOptions {
  /** The tracer the answers' spans are made by, and the name of each answer's own span. */
  scope: string;
  rootSpan: string;
  /** Every finished answer's trace; called after the answer has gone back. */
  onTrace: (trace: TraceRecord) => void;
}

let contextManagerSet = false;
let diagnosticsSet = false;

/**
 * The OpenTelemetry SDK for this process's answers: every trace is gathered for the admin, and
 * with an OTLP endpoint configured the same spans are also exported in batches. The provider is
 * this process's own (not registered globally), so only Docent's spans reach it.
 */
export async function createTracing(
  config: Config['telemetry'],
  logger: Logger,
  options: TracingOptions,
): Promise<Tracing> {
  useAsyncContext();
  const onError = (error: unknown) => logger.warn({ err: error }, 'an answer trace could not be kept');
  const processors: SpanProcessor[] = [
    new TraceCollector(options.scope, options.rootSpan, options.onTrace, onError),
  ];
  if (config.otlp) {
    reportExportProblems(logger);
    // Loaded only when spans are exported: every command would pay for it at start-up otherwise.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const exporter = new OTLPTraceExporter({ url: config.otlp.url, headers: config.otlp.headers });
    processors.push(new BatchSpanProcessor(exporter));
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    // The admin's traces need every answer, whatever OTEL_TRACES_SAMPLER says.
    sampler: new AlwaysOnSampler(),
    spanLimits: SPAN_LIMITS,
    spanProcessors: processors,
  });
  return { tracer: provider.getTracer(options.scope), close: () => provider.shutdown() };
}

/**
 * A step's span is the child of the span active when it starts, across awaits: that needs the
 * AsyncLocalStorage context manager, registered once per process (unless the host set one).
 */
function useAsyncContext(): void {
  if (contextManagerSet) return;
  contextManagerSet = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** The SDK reports failed exports through its diagnostics logger; they go to the log as warnings. */
function reportExportProblems(logger: Logger): void {
  if (diagnosticsSet) return;
  diagnosticsSet = true;
  const warn = (message: string, ...args: unknown[]) => logger.warn({ details: args }, message);
  diag.setLogger(
    { error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
}
