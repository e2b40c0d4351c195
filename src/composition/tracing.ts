import { ANSWER_SPAN, TRACER_NAME } from '../../graphs/answer/spans.js';
import type { Config } from '../config.js';
import type { TraceStore } from '../core/ports/trace-store.js';
import type { Logger } from '../logger.js';
import type { SqlClient } from '../stores/sql/sql-client.js';
import { SqlTraceStore } from '../stores/sql/sql-trace-store.js';
import { createTracing, type Tracing } from '../telemetry/tracing.js';
import { errorSummary } from './backends.js';

/**
 * Answers' traces on the operational database, kept as long as the question history, and the
 * OpenTelemetry SDK that makes them (and exports them when OTEL_EXPORTER_OTLP_ENDPOINT is set).
 */
export async function openTracing(
  config: Config,
  logger: Logger,
  sql: SqlClient,
  isService: boolean,
): Promise<{ traces: TraceStore; tracing: Tracing }> {
  const onError = (error: unknown) => logger.warn({ err: errorSummary(error) }, 'trace write failed');
  const options = { retentionDays: config.history.retentionDays, onError };
  // As the history: ready before the service starts; another command's table when first used.
  const traces = isService ? await SqlTraceStore.open(sql, options) : SqlTraceStore.onDemand(sql, options);
  const tracing = await createTracing(config.telemetry, logger, {
    scope: TRACER_NAME,
    rootSpan: ANSWER_SPAN,
    onTrace: (trace) => traces.record(trace),
  });
  return { traces, tracing };
}
