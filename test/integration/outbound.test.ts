import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackService, startSlackService } from '../helpers/slack-service.js';
import { until } from '../helpers/until.js';

const ADMIN = 'admin-secret';
const REQUEST_TIMEOUT_MS = 500;
let service: SlackService;
let url: string;
// Another server on this machine: an intranet page, or a host collecting tokens.
let other: Server;
let otherOrigin: string;
const otherRequests: { path: string; headers: IncomingHttpHeaders }[] = [];
let events = 0;

beforeAll(async () => {
  other = createServer((req, res) => {
    otherRequests.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('The intranet root password is hunter2.');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  service = await startSlackService({
    DOCENT_ADMIN_TOKEN: ADMIN,
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  url = service.url;
});

afterAll(async () => {
  await service.close();
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

async function shareInSlack(fileId: string, channel: string): Promise<string> {
  const ts = `18000000${10 + ++events}.000100`;
  await service.sendEvent({
    type: 'message',
    subtype: 'file_share',
    channel_type: 'channel',
    user: 'U1',
    text: '',
    ts,
    channel,
    files: [{ id: fileId }],
  });
  const reply = await until(() =>
    service.slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel),
  );
  expect(reply.args.thread_ts).toBe(ts);
  return String(reply.args.text);
}

describe('the Slack bot token', () => {
  it('is never sent to a file link on another host: nothing is requested, and the thread says why', async () => {
    const otherHost = new URL(otherOrigin).host;
    service.slack.files.set('FREMOTE', {
      id: 'FREMOTE',
      name: 'notes.txt',
      content: '',
      url: `${otherOrigin}/collect`,
    });
    expect(await shareInSlack('FREMOTE', 'CREMOTE')).toBe(
      `Could not index notes.txt: ${otherHost} is not a Slack file link; Docent only downloads shared files from Slack.`,
    );
    expect(otherRequests).toEqual([]);
    expect(await service.services.knowledgeBase.listDocuments('T1')).toEqual([]);
  });

  it('does not follow Slack’s own link to another origin with the token', async () => {
    service.slack.files.set('FMOVED', {
      id: 'FMOVED',
      name: 'moved.txt',
      content: '',
      redirectTo: `${otherOrigin}/collect`,
    });
    expect(await shareInSlack('FMOVED', 'CMOVED')).toBe(
      'Could not index moved.txt: 127.0.0.1 is a private address; set ALLOW_PRIVATE_URLS=true to allow intranet URLs.',
    );
    expect(otherRequests).toEqual([]);
  });
});

describe('URL ingestion by an operator', () => {
  const ingestUrl = (target: string) =>
    fetch(`${url}/admin/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: target }),
    });

  it('refuses intranet and metadata addresses unless ALLOW_PRIVATE_URLS is set, and stores nothing', async () => {
    for (const [target, host] of [
      [`${otherOrigin}/wiki/root.html`, '127.0.0.1'],
      ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', '169.254.169.254'],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', '[::ffff:a9fe:a9fe]'],
      ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal'],
    ] as const) {
      const res = await ingestUrl(target);
      expect(res.status).toBe(422);
      const [result] = (await res.json()).results;
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toMatch(
        `${host} ${host.includes('.internal') ? 'resolves to' : 'is'} a private address; set ALLOW_PRIVATE_URLS=true to allow intranet URLs.`,
      );
    }
    expect(otherRequests).toEqual([]);
    expect(await service.services.knowledgeBase.listDocuments('default')).toEqual([]);
  });
});

describe('HTTP request timeouts', () => {
  /** Opens a raw connection, sends `head`, then trickles a byte every 100 ms; resolves with what came back when the server closes. */
  function trickle(head: string, giveUpMs = 5000): Promise<{ response: string; closedAfterMs: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(head));
      let response = '';
      const drip = setInterval(() => socket.write('a'), 100);
      const giveUp = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept a trickling request open for ${giveUpMs} ms`));
      }, giveUpMs);
      socket.on('data', (data) => {
        response += data;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        resolve({ response, closedAfterMs: Date.now() - started });
      });
    });
  }

  it('cuts off an unauthenticated Slack request whose body never finishes arriving', async () => {
    const { response, closedAfterMs } = await trickle(
      'POST /slack/events HTTP/1.1\r\nHost: docent\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{',
    );
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
  });

  it('cuts off a request whose headers never finish arriving', async () => {
    const { response } = await trickle('POST /slack/events HTTP/1.1\r\nHost: docent\r\nx-slow: ');
    expect(response).toMatch(/^HTTP\/1\.1 408/);
  });

  it('still answers a request that arrives whole', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
