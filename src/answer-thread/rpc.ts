/** Either end of a worker thread's channel: the `Worker` object, or `parentPort` inside it. */
export interface Endpoint {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handlers = Record<string, (...args: never[]) => unknown>;

type Call = { rpc: 'call'; id: number; method: string; args: unknown[] };
type Reply =
  | { rpc: 'reply'; id: number; ok: true; value: unknown }
  | { rpc: 'reply'; id: number; ok: false; error: unknown };

export interface RpcLink {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Settles every call still waiting: the other end is gone and will never reply. */
  failPending(error: Error): void;
}

/**
 * Calls across a thread boundary, both ways: each end answers the calls it has handlers for and
 * may call the other's. Arguments and results are structured-cloned, errors included.
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
      else waiting?.reject(m.error);
    } else if (m?.rpc === 'call') {
      void answer(m);
    }
  });

  async function answer({ id, method, args }: Call) {
    try {
      const handler = handlers[method];
      if (!handler) throw new Error(`no handler for ${method}`);
      const value = await (handler as (...a: unknown[]) => unknown)(...args);
      endpoint.postMessage({ rpc: 'reply', id, ok: true, value } satisfies Reply);
    } catch (error) {
      endpoint.postMessage({ rpc: 'reply', id, ok: false, error: cloneable(error) } satisfies Reply);
    }
  }

  return {
    call<T>(method: string, ...args: unknown[]) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        endpoint.postMessage({ rpc: 'call', id, method, args } satisfies Call);
      });
    },
    failPending(error: Error) {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    },
  };
}

/** Errors cross as plain `Error`s: a class's own fields may not survive structured cloning. */
function cloneable(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const plain = new Error(error.message);
  plain.name = error.name;
  plain.stack = error.stack;
  return plain;
}
