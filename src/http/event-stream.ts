import type { FastifyReply } from 'fastify';

// Proxies and load balancers close connections silent for about a minute; a comment line keeps
// a long answer's stream open.
const KEEP_ALIVE_MS = 15_000;

export interface EventStream {
  /** One Server-Sent Event; nothing once the client is gone. */
  send(event: string, data: unknown): void;
  end(): void;
  /** The client hung up. */
  readonly closed: boolean;
}

/** Takes the response over from Fastify and opens a `text/event-stream` on it. */
export function openEventStream(reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  let closed = false;
  raw.on('close', () => {
    closed = true;
    clearInterval(keepAlive);
  });
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // nginx buffers responses unless told not to, which would hold every delta back.
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  const writable = () => !closed && !raw.writableEnded && !raw.destroyed;
  const keepAlive = setInterval(() => {
    if (writable()) raw.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  return {
    send(event, data) {
      if (writable()) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      clearInterval(keepAlive);
      if (writable()) raw.end();
    },
    get closed() {
      return closed;
    },
  };
}
