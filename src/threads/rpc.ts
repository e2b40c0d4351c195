/** Either end of a worker thread's channel: the `Worker` object, or `parentPort` inside it. */
export interface Endpoint {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handlers = Record<string, (...args: never[]) => unknown>;

/** An error as it crosses: what a class's own fields would lose in structured cloning is spelled out. */
type CrossingError = { name: string; message: string; stack?: string; code?: string; transient?: boolean };

type Call = { rpc: 'call'; id: number; method: string; args: unknown[] };
type Reply =
  | { rpc: 'reply'; id: number; ok: true; value: unknown }
  | { rpc: 'reply'; id: number; ok: false; error: CrossingError };

/** A handler's result whose buffers move to the caller instead of being copied. */
class Moving {
  constructor(
    readonly value: unknown,
    readonly transfer: readonly ArrayBuffer[],
  ) {}
}

/** Returned by a handler: `value` goes back with `transfer`'s buffers moved, not copied. */
export function moving<T>(value: T, transfer: readonly ArrayBuffer[]): T {
  return new Moving(value, transfer) as T;
}

/** An error from the other end: its name, message and stack, and its `code` and `transient` when it had them. */
export type RemoteError = Error & { code?: string; transient?: boolean };

export interface RpcLink {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** A call whose `transfer` buffers move to the other end (the caller can no longer use them). */
  callMoving<T>(transfer: readonly ArrayBuffer[], method: string, ...args: unknown[]): Promise<T>;
  /** Calls still waiting for their reply. */
  readonly inFlight: number;
  /** Settles every call still waiting: the other end is gone and will never reply. */
  failPending(error: Error): void;
}

/**
 * Calls across a thread boundary, both ways: each end answers the calls it has handlers for and
 * may call the other's. Arguments and results are structured-cloned (or moved, when asked);
 * errors arrive as `RemoteError`s.
 */
export function rpcLink(endpoint: Endpoint, handlers: Handlers): RpcLink {
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  endpoint.on('message', (message) => {
    const m = message as Call | Reply;
    if (m?.rpc === 'reply') {
      const waiting = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) waiting?.resolve(m.value);
      else waiting?.reject(restore(m.error));
    } else if (m?.rpc === 'call') {
      void answer(m);
    }
  });

  async function answer({ id, method, args }: Call) {
    try {
      const handler = handlers[method];
      if (!handler) throw new Error(`no handler for ${method}`);
      const value = await (handler as (...a: unknown[]) => unknown)(...args);
      if (value instanceof Moving)
        endpoint.postMessage(
          { rpc: 'reply', id, ok: true, value: value.value } satisfies Reply,
          value.transfer,
        );
      else endpoint.postMessage({ rpc: 'reply', id, ok: true, value } satisfies Reply);
    } catch (error) {
      endpoint.postMessage({ rpc: 'reply', id, ok: false, error: crossing(error) } satisfies Reply);
    }
  }

  function callMoving<T>(transfer: readonly ArrayBuffer[], method: string, ...args: unknown[]) {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      endpoint.postMessage({ rpc: 'call', id, method, args } satisfies Call, transfer);
    });
  }

  return {
    call: (method, ...args) => callMoving([], method, ...args),
    callMoving,
    get inFlight() {
      return pending.size;
    },
    failPending(error: Error) {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    },
  };
}

function crossing(error: unknown): CrossingError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, transient } = error as RemoteError;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof transient === 'boolean' ? { transient } : {}),
  };
}

function restore(error: CrossingError): RemoteError {
  const restored: RemoteError = new Error(error.message);
  restored.name = error.name;
  if (error.stack) restored.stack = error.stack;
  if (error.code !== undefined) restored.code = error.code;
  if (error.transient !== undefined) restored.transient = error.transient;
  return restored;
}
