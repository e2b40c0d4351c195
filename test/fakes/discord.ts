import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export const BOT = {
  id: '100',
  username: 'docent',
  discriminator: '0',
  bot: true,
  avatar: null,
  global_name: null,
};
export const APP_ID = '200';
export const GUILD = '300';
export const PUBLIC_CHANNEL = '301';
export const PRIVATE_CHANNEL = '302';
const VIEW_AND_SEND = String(1024 + 2048 + 274877906944);

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  at: number;
}

const user = (id: string) => ({
  id,
  username: `user${id}`,
  discriminator: '0',
  bot: false,
  avatar: null,
  global_name: null,
});

let snowflake = 900_000_000_000_000_000n;
const nextId = () => String(++snowflake);

/**
 * A fake Discord: REST (gateway discovery, commands, interaction callbacks, webhooks, channel
 * messages, threads, attachments) and a gateway WebSocket (HELLO, IDENTIFY → READY and
 * GUILD_CREATE, heartbeats, RESUME, dispatches), for driving the real discord.js client.
 */
export async function startFakeDiscord() {
  const calls: RestCall[] = [];
  const attachments = new Map<string, Uint8Array | string>();
  const sockets = new Set<WebSocket>();
  // Every message sent in each channel (people's and the bot's), oldest first, for reading back.
  const messages = new Map<string, Record<string, unknown>[]>();
  const remember = (channelId: string, message: Record<string, unknown>) => {
    messages.set(channelId, [...(messages.get(channelId) ?? []), message]);
    return message;
  };
  let seq = 0;
  let rateLimited = 0;
  let identifies = 0;
  let resumes = 0;

  const http = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => resolve(body));
    });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/attachments/')) {
      const file = attachments.get(decodeURIComponent(url.pathname.slice('/attachments/'.length)));
      if (file === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(file);
    }
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    let body: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('json') && raw) body = JSON.parse(raw);
    else if ((req.headers['content-type'] ?? '').includes('multipart') && raw) {
      const match = /name="payload_json"[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(raw);
      if (match?.[1]) body = JSON.parse(match[1]);
    }
    if (req.method === 'POST' && /^\/channels\/\d+\/messages$/.test(path) && rateLimited > 0) {
      rateLimited--;
      calls.push({ method: `${req.method}:429`, path, body, at: Date.now() });
      return json(
        429,
        { message: 'You are being rate limited.', retry_after: 0.5, global: false },
        {
          'retry-after': '1',
          'x-ratelimit-scope': 'user',
        },
      );
    }
    calls.push({ method: req.method ?? '', path, body, at: Date.now() });
    const message = (channelId: string) =>
      botMessage(channelId, {
        content: body.content ?? '',
        embeds: body.embeds ?? [],
        components: body.components ?? [],
      });
    if (path === '/gateway/bot') {
      const port = (http.address() as AddressInfo).port;
      return json(200, {
        url: `ws://127.0.0.1:${port}`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (req.method === 'PUT' && path.includes('/commands')) return json(200, []);
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return void res.writeHead(204).end();
    // Edits and deletions of a message sent before: the interaction's reply, a follow-up, a message.
    let m = /^\/(?:webhooks\/\d+\/[^/]+|channels\/(\d+))\/messages\/(\d+)$/.exec(path);
    if (m && (req.method === 'PATCH' || req.method === 'DELETE'))
      return req.method === 'DELETE'
        ? void res.writeHead(204).end()
        : json(200, { ...message(m[1] ?? PUBLIC_CHANNEL), id: m[2] });
    m = /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.exec(path);
    if (m)
      return req.method === 'DELETE' ? void res.writeHead(204).end() : json(200, message(PUBLIC_CHANNEL));
    m = /^\/webhooks\/\d+\/[^/]+$/.exec(path);
    if (m) return json(200, message(PUBLIC_CHANNEL));
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (m) {
      // As on Discord, a thread started on a message has the message's id.
      const thread = threadPayload(m[2] as string, m[1] as string, 11, String(body.name), BOT.id);
      dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return json(201, thread);
    }
    if (/^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(path))
      return void res.writeHead(204).end();
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (m && req.method === 'GET') {
      const found = messages.get(m[1] as string)?.find((x) => x.id === m?.[2]);
      return found ? json(200, found) : json(404, { message: 'Unknown Message', code: 10008 });
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && req.method === 'GET') {
      // Newest first, before a message id when given, as Discord lists them.
      const before = url.searchParams.get('before');
      const older = (messages.get(m[1] as string) ?? []).filter(
        (x) => !before || BigInt(String(x.id)) < BigInt(before),
      );
      return json(200, older.reverse().slice(0, Number(url.searchParams.get('limit') ?? 50)));
    }
    if (m) return json(200, remember(m[1] as string, message(m[1] as string)));
    if (/^\/channels\/\d+\/typing$/.test(path)) return void res.writeHead(204).end();
    return json(404, { message: 'Unknown route', code: 0 });
  });

  const gateway = new WebSocketServer({ server: http });
  gateway.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    socket.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: unknown };
      if (payload.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (payload.op === 2) {
        identifies++;
        send(socket, 'READY', {
          v: 10,
          user: BOT,
          guilds: [{ id: GUILD, unavailable: true }],
          session_id: 'session-1',
          resume_gateway_url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
          shard: [0, 1],
          application: { id: APP_ID, flags: 0 },
        });
        send(socket, 'GUILD_CREATE', guildPayload());
      }
      if (payload.op === 6) {
        resumes++;
        send(socket, 'RESUMED', null);
      }
    });
  });

  function send(socket: WebSocket, t: string, d: unknown) {
    socket.send(JSON.stringify({ op: 0, t, s: ++seq, d }));
  }

  /** INTERACTION_CREATE of a guild member: 2 is a slash command, 3 a button press. */
  function interaction(
    type: 2 | 3,
    who: { channelId: string; userId: string },
    data: unknown,
    extra: Record<string, unknown> = {},
  ) {
    const id = nextId();
    dispatch('INTERACTION_CREATE', {
      id,
      application_id: APP_ID,
      type,
      token: `token-${id}`,
      version: 1,
      guild_id: GUILD,
      channel_id: who.channelId,
      channel: { id: who.channelId, type: 0, guild_id: GUILD },
      member: {
        user: user(who.userId),
        roles: [],
        permissions: VIEW_AND_SEND,
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
      data,
      app_permissions: VIEW_AND_SEND,
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: {},
      context: 0,
      ...extra,
    });
    return id;
  }

  function dispatch(t: string, d: unknown) {
    for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) send(socket, t, d);
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api`,
    calls,
    attachments,
    get identifies() {
      return identifies;
    },
    get resumes() {
      return resumes;
    },
    /** The next `n` channel messages answer 429. */
    rateLimitNext(n: number) {
      rateLimited = n;
    },
    connected: () => [...sockets].some((s) => s.readyState === WebSocket.OPEN),
    /** Drops every gateway connection with a resumable close code. */
    dropConnections() {
      for (const socket of sockets) socket.close(4000, 'test disconnect');
    },
    postMessage(options: {
      channelId: string;
      authorId: string;
      content: string;
      dm?: boolean;
      mentionBot?: boolean;
      files?: { name: string; content: string | Uint8Array }[];
      /** Another bot wrote it. */
      fromBot?: boolean;
      /** The id of the message it replies to, in the same channel. */
      replyTo?: string;
    }) {
      const id = nextId();
      for (const f of options.files ?? []) attachments.set(`${id}/${f.name}`, f.content);
      const author = { ...user(options.authorId), bot: options.fromBot === true };
      const reply = options.replyTo
        ? {
            type: 19,
            message_reference: {
              message_id: options.replyTo,
              channel_id: options.channelId,
              guild_id: GUILD,
            },
          }
        : { type: 0 };
      const payload = {
        id,
        channel_id: options.channelId,
        ...(options.dm
          ? { channel_type: 1 }
          : {
              guild_id: GUILD,
              member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
            }),
        author,
        content: options.content,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: options.mentionBot ? [BOT] : [],
        mention_roles: [],
        attachments: (options.files ?? []).map((f) => ({
          id: nextId(),
          filename: f.name,
          size: typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.length,
          url: `${base}/attachments/${id}/${encodeURIComponent(f.name)}`,
          proxy_url: `${base}/attachments/${id}/${encodeURIComponent(f.name)}`,
        })),
        embeds: [],
        pinned: false,
        ...reply,
      };
      remember(options.channelId, payload);
      dispatch('MESSAGE_CREATE', payload);
      return id;
    },
    /** Opens a thread under a guild channel over the gateway: 11 is public, 12 private (members only). */
    createThread(options: { parentId: string; type: 11 | 12; name?: string }) {
      const id = nextId();
      dispatch('THREAD_CREATE', {
        ...threadPayload(id, options.parentId, options.type, options.name ?? 'thread', '1'),
        newly_created: true,
      });
      return id;
    },
    slashCommand(options: { channelId: string; userId: string; question: string }) {
      return interaction(2, options, {
        id: '400',
        name: 'ask',
        type: 1,
        options: [{ name: 'question', type: 3, value: options.question }],
      });
    },
    pressButton(options: { channelId: string; userId: string; customId: string }) {
      return interaction(
        3,
        options,
        { custom_id: options.customId, component_type: 2 },
        {
          message: botMessage(options.channelId, {}),
        },
      );
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      gateway.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A thread channel as Discord sends it. */
function threadPayload(id: string, parentId: string, type: 11 | 12, name: string, ownerId: string) {
  return {
    id,
    type,
    guild_id: GUILD,
    parent_id: parentId,
    name,
    owner_id: ownerId,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
      ...(type === 12 ? { invitable: false } : {}),
    },
  };
}

/** A message the bot sent, as Discord returns it. */
function botMessage(channelId: string, extra: Record<string, unknown>) {
  return {
    id: nextId(),
    channel_id: channelId,
    content: '',
    author: BOT,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    ...extra,
  };
}

function guildPayload() {
  return {
    id: GUILD,
    name: 'Acme',
    icon: null,
    owner_id: '1',
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    premium_tier: 0,
    system_channel_flags: 0,
    nsfw_level: 0,
    preferred_locale: 'en-US',
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: GUILD,
        name: '@everyone',
        permissions: VIEW_AND_SEND,
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      {
        id: PUBLIC_CHANNEL,
        type: 0,
        guild_id: GUILD,
        name: 'general',
        position: 0,
        permission_overwrites: [],
      },
      // @everyone may not view this one: its files stay in it.
      {
        id: PRIVATE_CHANNEL,
        type: 0,
        guild_id: GUILD,
        name: 'secret',
        position: 1,
        permission_overwrites: [{ id: GUILD, type: 0, allow: '0', deny: '1024' }],
      },
    ],
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    member_count: 2,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
