import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface FakeSlackFile {
  id: string;
  name: string;
  filetype?: string;
  content: Uint8Array | string;
  /** Where it was shared: used by files.info's `shares`. */
  channel?: string;
  ts?: string;
  private?: boolean;
  /** The link files.info gives instead of the fake's own (a remote file's link is whatever its creator set). */
  url?: string;
  /** Downloads of the fake's own link answer 302 to here. */
  redirectTo?: string;
}

const BOT_TOKEN = 'xoxb-test';
const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';

/**
 * A fake Slack Web API on 127.0.0.1 for the real @slack/web-api client: records every call,
 * serves files only to the right bot token (the sign-in page otherwise, as Slack does), and can
 * answer 429 with Retry-After.
 */
export async function startFakeSlack() {
  const calls: SlackCall[] = [];
  // What conversations.info says of a channel (public, unshared unless set here).
  const channels = new Map<
    string,
    { is_private?: boolean; is_im?: boolean; is_shared?: boolean; is_ext_shared?: boolean }
  >();
  const files = new Map<string, FakeSlackFile>();
  // A thread's messages by "channel:thread_ts", its parent first, as conversations.replies serves them.
  const threads = new Map<string, Record<string, unknown>[]>();
  let ts = 1_700_000_000;
  // Calls to answer 429 with Retry-After: 1, by method, and errors to answer with, in turn.
  const rateLimited = new Map<string, number>();
  const failures = new Map<string, string[]>();
  // While set, file downloads start but never finish: a process can be killed mid-ingestion.
  let holdDownloads = false;
  const heldDownloads = new Set<ServerResponse>();
  let downloadsStarted = 0;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const file = files.get(url.pathname.split('/')[2] ?? '');
      if (!file) return void res.writeHead(404).end();
      downloadsStarted++;
      if (file.redirectTo) return void res.writeHead(302, { location: file.redirectTo }).end();
      if (holdDownloads) {
        heldDownloads.add(res);
        return;
      }
      if (req.headers.authorization !== `Bearer ${BOT_TOKEN}`) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end(LOGIN_PAGE);
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(file.content);
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const raw = await new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => resolve(body));
    });
    const args: Record<string, unknown> = (req.headers['content-type'] ?? '').includes('json')
      ? JSON.parse(raw || '{}')
      : Object.fromEntries(new URLSearchParams(raw));
    for (const key of ['blocks', 'attachments', 'chunks', 'prompts', 'metadata'])
      if (typeof args[key] === 'string') args[key] = JSON.parse(args[key] as string);
    const reply = (body: Record<string, unknown>, status = 200, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if ((rateLimited.get(method) ?? 0) > 0) {
      rateLimited.set(method, (rateLimited.get(method) ?? 0) - 1);
      calls.push({ method: `${method}:429`, args, at: Date.now() });
      return reply({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': '1' });
    }
    const failure = failures.get(method)?.shift();
    if (failure) {
      calls.push({ method: `${method}:${failure}`, args, at: Date.now() });
      return reply({ ok: false, error: failure });
    }
    calls.push({ method, args, at: Date.now() });
    switch (method) {
      case 'apps.connections.open':
        return reply({ ok: true, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket` });
      case 'auth.test':
        return reply({
          ok: true,
          user_id: 'UBOT',
          bot_id: 'BBOT',
          team_id: 'T1',
          team: 'Acme',
          url: 'https://acme.slack.com/',
        });
      case 'chat.postMessage':
        return reply({ ok: true, channel: args.channel, ts: `${++ts}.000100`, message: { text: args.text } });
      case 'chat.update':
        return reply({ ok: true, channel: args.channel, ts: args.ts });
      // Native streaming: a message in a thread that grows with each append until stopped.
      case 'chat.startStream':
        return reply({ ok: true, channel: args.channel, ts: `${++ts}.000200` });
      case 'chat.appendStream':
      case 'chat.stopStream':
        return reply({ ok: true, channel: args.channel, ts: args.ts });
      // The assistant's thread: a status line, suggested prompts and a title, none of which is a message.
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle':
        return reply({ ok: true });
      case 'conversations.info': {
        const info = channels.get(String(args.channel)) ?? {};
        return reply({ ok: true, channel: { id: args.channel, is_private: false, is_im: false, ...info } });
      }
      case 'conversations.replies': {
        // Oldest first, up to `latest` (exclusive unless `inclusive`), a page of `limit` per cursor.
        const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(args.latest);
        const inclusive = args.inclusive === true || args.inclusive === 'true';
        const all = (threads.get(`${args.channel}:${args.ts}`) ?? []).filter(
          (m) => Number(m.ts) < latest || (inclusive && Number(m.ts) === latest),
        );
        const start = Number(args.cursor ?? 0);
        const end = start + Number(args.limit ?? 1000);
        const next = end < all.length ? String(end) : '';
        return reply({
          ok: true,
          messages: all.slice(start, end),
          has_more: next !== '',
          response_metadata: { next_cursor: next },
        });
      }
      case 'files.info': {
        const file = files.get(String(args.file));
        if (!file) return reply({ ok: false, error: 'file_not_found' });
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const shares = file.channel
          ? { [file.private ? 'private' : 'public']: { [file.channel]: [{ ts: file.ts }] } }
          : {};
        const size = typeof file.content === 'string' ? Buffer.byteLength(file.content) : file.content.length;
        return reply({
          ok: true,
          file: {
            id: file.id,
            name: file.name,
            title: file.name,
            filetype: file.filetype,
            size,
            url_private: file.url ?? `${base}/files/${file.id}`,
            url_private_download: file.url ?? `${base}/files/${file.id}`,
            shares,
          },
        });
      }
      default:
        return reply({ ok: true });
    }
  });
  // Socket Mode: apps.connections.open hands out this WebSocket; envelopes go down it, acks come back.
  const sockets = new Set<WebSocket>();
  const acks = new Set<string>();
  const socketServer = new WebSocketServer({ server, path: '/socket' });
  socketServer.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string };
      if (message.envelope_id) acks.add(message.envelope_id);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: 'A1' },
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
      }),
    );
  });
  let envelopes = 0;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botToken: BOT_TOKEN,
    calls,
    channels,
    files,
    threads,
    /** The next `n` calls to `method` answer 429 with Retry-After: 1. */
    rateLimitNext(n: number, method = 'chat.postMessage') {
      rateLimited.set(method, n);
    },
    /** The next calls to `method` fail with these errors, one each (`message_not_found`, `not_allowed`…). */
    failNext(method: string, ...errors: string[]) {
      failures.set(method, [...(failures.get(method) ?? []), ...errors]);
    },
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** While held, downloads start and hang; releasing cuts the hanging ones off, as a dropped link would. */
    holdDownloads(hold: boolean) {
      holdDownloads = hold;
      if (hold) return;
      for (const res of heldDownloads) res.destroy();
      heldDownloads.clear();
    },
    downloadsStarted: () => downloadsStarted,
    socketConnected: () => [...sockets].some((s) => s.readyState === WebSocket.OPEN),
    /** Sends a Socket Mode envelope (events_api, slash_commands, interactive); returns its id. */
    sendEnvelope(type: 'events_api' | 'slash_commands' | 'interactive', payload: unknown): string {
      const envelopeId = `env-${++envelopes}`;
      for (const socket of sockets)
        socket.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== 'events_api',
            retry_attempt: 0,
            retry_reason: '',
          }),
        );
      return envelopeId;
    },
    acked: (envelopeId: string) => acks.has(envelopeId),
    close: async () => {
      for (const res of heldDownloads) res.destroy();
      for (const socket of sockets) socket.terminate();
      socketServer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
