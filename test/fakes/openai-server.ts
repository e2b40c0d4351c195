import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChatHandler,
  type ChatMessage,
  type ChatRequest,
  completionBody,
  contentText,
  type ErrorReply,
  type Reply,
  streamChunks,
  wantsStructured,
} from './openai/chat.js';
import { type EmbeddingControl, embeddingsBody } from './openai/embeddings.js';

export type { ChatHandler, ChatRequest, Reply, Usage } from './openai/chat.js';
export type { EmbeddingControl } from './openai/embeddings.js';
export { fakeEmbedding } from './openai/embeddings.js';

export interface RecordedRequest {
  method: string;
  path: string;
  model?: string;
  body?: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** Epoch ms on arrival, so tests can measure back-off between retries. */
  at: number;
}

export interface Script {
  /** Persistent chat reply or handler for a model; '*' covers models without their own. */
  on(model: string, reply: Reply | ChatHandler): void;
  /**
   * Queues a one-shot reply `times` times, consumed before any persistent one; '*' matches any model.
   * Embedding calls consume queued replies too, but only honour their delay, error and malformed parts.
   */
  once(model: string, reply: Reply, times?: number): void;
  reset(): void;
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, ready for `configuration: { baseURL }`. */
  url: string;
  requests: RecordedRequest[];
  script: Script;
  /** What embeddings requests get; change it mid-test to make the endpoint misbehave. */
  embeddings: EmbeddingControl;
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  /** Used when an embeddings request does not ask for `dimensions`. Default 16. */
  embeddingDimensions?: number;
}

const CHAT = '/v1/chat/completions';
const EMBEDDINGS = '/v1/embeddings';

const lastUserText = (messages: ChatMessage[]) =>
  contentText([...messages].reverse().find((m) => m.role === 'user')?.content ?? '');

// Unscripted structured requests fail loudly (with a status the client will not retry) rather than
// inventing an object that might accidentally satisfy the caller's schema.
const fallback: ChatHandler = (req) =>
  wantsStructured(req)
    ? { status: 400, message: `fake-openai: no structured reply scripted for model "${req.model}"` }
    : { text: `Fake reply from ${req.model} to: ${lastUserText(req.messages)}` };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, reply: ErrorReply) {
  const { status, retryAfter } = reply;
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = reply.code ?? (status === 429 ? 'rate_limit_exceeded' : null);
  const message = reply.message ?? `fake-openai: scripted ${status}`;
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/** Resolves false if the client hung up first (e.g. its timeout fired), so nothing is written. */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  // Joined as bytes first so multi-byte characters split across chunks decode intact.
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const embeddings: EmbeddingControl = { dimensions: options.embeddingDimensions ?? 16 };
  const requests: RecordedRequest[] = [];
  const handlers = new Map<string, Reply | ChatHandler>();
  const queues = new Map<string, Reply[]>();

  const script: Script = {
    on: (model, reply) => handlers.set(model, reply),
    once: (model, reply, times = 1) => {
      queues.set(model, [...(queues.get(model) ?? []), ...Array<Reply>(times).fill(reply)]);
    },
    reset: () => {
      handlers.clear();
      queues.clear();
    },
  };

  const nextQueued = (model: string) => queues.get(model)?.shift() ?? queues.get('*')?.shift();

  async function chatReply(req: ChatRequest): Promise<Reply> {
    const scripted = nextQueued(req.model) ?? handlers.get(req.model) ?? handlers.get('*') ?? fallback;
    return typeof scripted === 'function' ? scripted(req) : scripted;
  }

  async function respond(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readJson(req);
    const model = typeof body?.model === 'string' ? body.model : '';
    requests.push({ method: req.method ?? '', path, model, body, headers: req.headers, at: Date.now() });

    if (req.method !== 'POST' || (path !== CHAT && path !== EMBEDDINGS)) {
      return sendError(res, { status: 404, message: `fake-openai: no route for ${req.method} ${path}` });
    }
    if (!body)
      return sendError(res, { status: 400, message: 'fake-openai: request body is not a JSON object' });

    const stream = path === CHAT && body.stream === true;
    const chatRequest = { ...body, model, messages: body.messages ?? [], stream, body } as ChatRequest;
    const scripted = path === CHAT ? await chatReply(chatRequest) : (nextQueued(model) ?? { text: '' });
    const reply = typeof scripted === 'string' ? { text: scripted } : scripted;

    if (reply.delayMs && !(await wait(reply.delayMs, res))) return;
    if ('status' in reply) return sendError(res, reply);
    if ('malformed' in reply) {
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      return res.end(stream ? `data: ${reply.malformed}\n\n` : reply.malformed);
    }
    if (path === EMBEDDINGS) return sendJson(res, 200, embeddingsBody(body, embeddings));
    if (!stream) return sendJson(res, 200, completionBody(chatRequest, reply));

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const pace = 'chunkDelayMs' in reply ? (reply.chunkDelayMs ?? 0) : 0;
    for (const chunk of streamChunks(chatRequest, reply)) {
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (pace > 0 && !(await wait(pace, res))) return;
    }
    res.end('data: [DONE]\n\n');
  }

  const server = createServer((req, res) => {
    // A throwing handler is a bug in the test, so answer with a status the client gives up on at once.
    respond(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { status: 400, message: `fake-openai: handler threw: ${error}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    embeddings,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // Keep-alive sockets and requests parked in a delay would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
