/**
 * Errors carry a stable code and the data a caller needs to react; `userMessage` is the one
 * sentence a person sees. Stack traces never reach a user.
 */
export type ErrorCode =
  | 'too_large'
  | 'unsupported_type'
  | 'no_text'
  | 'corrupt'
  | 'encrypted'
  | 'unreadable'
  | 'embedder_mismatch'
  | 'missing_scope'
  | 'not_found'
  | 'invalid_input'
  | 'busy'
  | 'throttled';

export class DocentError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DocentError';
  }
}

/** The asker is over their limits: a question now would not be answered. */
export class ThrottledError extends DocentError {
  override name = 'ThrottledError';

  constructor(readonly retryAfterMs: number) {
    super('throttled', `Too many questions; ask again in ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

/** A file could not be ingested; `message` names the reason in words a user understands. */
export class IngestError extends DocentError {
  override name = 'IngestError';
  /** Worth trying again later (the network or the platform failed), not a problem with the file. */
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(code, message, options);
    this.transient = options?.transient ?? false;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof DocentError) return err.message;
  return 'an unexpected internal error occurred';
}
