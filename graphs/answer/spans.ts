import { type Attributes, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

/** The name the answer's spans are created under; the trace collector keeps the traces it starts. */
export const TRACER_NAME = 'docent';
/** The span that holds one whole answer; the steps are its children. */
export const ANSWER_SPAN = 'ask';

/** The tracer given, or the OpenTelemetry API's (which records nothing unless a provider is registered). */
export const tracerOr = (tracer: Tracer | undefined): Tracer => tracer ?? trace.getTracer(TRACER_NAME);

/** Long texts (a rewritten question, a title) are cut to this in attributes; spans stay small. */
export const ATTRIBUTE_CHARS = 300;
export const clip = (text: string) =>
  text.length > ATTRIBUTE_CHARS ? `${text.slice(0, ATTRIBUTE_CHARS - 1)}…` : text;

/**
 * Runs `work` in a span of its own, made the active one so that spans started within it are its
 * children. A failure is recorded on the span and thrown on; the span ends either way.
 */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function failed(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: clip(message) });
  span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
}
