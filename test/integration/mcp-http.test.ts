import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startHttpService } from '../helpers/http-service.js';
import { bytesOf } from '../helpers/temp-kb.js';

const ACME_TOKEN = 'acme-token-0123456789abcdef';
const GLOBEX_TOKEN = 'globex-token-0123456789abcdef';

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}
const textOf = (result: unknown) => (result as ToolResult).content.map((c) => c.text ?? '').join('\n');

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A plain POST to /mcp, as a client that skips the SDK would send it. */
const post = (svc: RunningService, body: string, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });

describe('/mcp on docent serve', () => {
  let svc: RunningService;
  const clients: Client[] = [];
  const connect = async (token: string) => {
    const client = new Client({ name: 'docent-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${svc.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    svc = await startHttpService({ DOCENT_API_TOKENS: `acme:${ACME_TOKEN},globex:${GLOBEX_TOKEN}` });
    const add = (tenantId: string, source: string, text: string, scope: 'tenant' | `channel:${string}`) =>
      svc.services.knowledgeBase.ingest({ tenantId, scope, source, fetchData: bytesOf(text) });
    await add(
      'acme',
      'handbook/leave.md',
      '# Leave\n\nEvery employee gets 25 days of paid leave per year.',
      'tenant',
    );
    await add(
      'acme',
      'board/merger.md',
      '# Merger\n\nThe Initech merger closes on the ninth of May.',
      'channel:C1',
    );
    await add(
      'globex',
      'ops/pager.md',
      '# Pager\n\nThe pager rotation changes every Tuesday at noon.',
      'tenant',
    );
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await svc?.stop();
  });

  it('serves the tools, and answers a search and a question from the token’s tenant with sources', async () => {
    const acme = await connect(ACME_TOKEN);
    expect((await acme.listTools()).tools.map((t) => t.name).sort()).toEqual(['ask', 'search_documents']);

    const search = await acme.callTool({
      name: 'search_documents',
      arguments: { query: 'paid leave', limit: 3 },
    });
    expect(textOf(search)).toContain('25 days of paid leave');
    const { passages } = search.structuredContent as { passages: { source: string }[] };
    expect(passages[0]?.source).toBe('handbook/leave.md');

    const asked = await acme.callTool({
      name: 'ask',
      arguments: { question: 'how many days of paid leave?' },
    });
    expect(asked.isError).toBeFalsy();
    expect(textOf(asked)).toContain('25 days');
    expect(textOf(asked)).toContain('Sources:');
    const answer = asked.structuredContent as { id: string; sources: { title: string }[]; trace_id: string };
    expect(answer.sources[0]?.title).toBe('Leave');
    expect(answer.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // The same message path as every platform: the answer is in the tenant's history (written after).
    let recorded = await svc.services.history.findAnswer(answer.id);
    for (let i = 0; !recorded && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      recorded = await svc.services.history.findAnswer(answer.id);
    }
    expect(recorded).toMatchObject({ tenantId: 'acme', question: 'how many days of paid leave?' });
  });

  it('lists and reads only the tenant-wide documents of the token’s tenant', async () => {
    const acme = await connect(ACME_TOKEN);
    const { resources } = await acme.listResources();
    expect(resources.map((r) => r.title)).toEqual(['Leave']);
    const read = await acme.readResource({ uri: resources[0]?.uri ?? '' });
    expect((read.contents[0] as { text: string }).text).toContain('Source: handbook/leave.md');
  });

  it('shows a token of another tenant nothing of the first tenant’s documents', async () => {
    const acme = await connect(ACME_TOKEN);
    const leaveUri = (await acme.listResources()).resources[0]?.uri ?? '';
    const globex = await connect(GLOBEX_TOKEN);
    expect((await globex.listResources()).resources.map((r) => r.title)).toEqual(['Pager']);
    await expect(globex.readResource({ uri: leaveUri })).rejects.toThrow(/no document/);
    const search = await globex.callTool({
      name: 'search_documents',
      arguments: { query: 'paid leave days' },
    });
    expect(textOf(search)).not.toContain('paid leave');
    const asked = await globex.callTool({
      name: 'ask',
      arguments: { question: 'how many days of paid leave?' },
    });
    expect(textOf(asked)).not.toContain('25 days');
  });

  it('refuses a request without a token, or with a wrong one, before reading it as MCP', async () => {
    const missing = await post(svc, JSON.stringify(INITIALIZE));
    expect(missing.status).toBe(401);
    const wrong = await post(svc, JSON.stringify(INITIALIZE), {
      authorization: 'Bearer not-a-real-token-000000',
    });
    expect(wrong.status).toBe(401);
    // Not even well-formed MCP: the token is what is looked at first.
    expect((await post(svc, 'not json at all')).status).toBe(401);
    const client = new Client({ name: 'docent-test', version: '1.0.0' });
    await expect(
      client.connect(new StreamableHTTPClientTransport(new URL(`${svc.url}/mcp`))),
    ).rejects.toThrow();
  });

  it('bounds the body like the rest of the API and answers GET with 405', async () => {
    const auth = { authorization: `Bearer ${ACME_TOKEN}` };
    const huge = { ...INITIALIZE, params: { ...INITIALIZE.params, padding: 'x'.repeat(100_000) } };
    expect((await post(svc, JSON.stringify(huge), auth)).status).toBe(413);
    const get = await fetch(`${svc.url}/mcp`, { headers: { ...auth, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('/mcp within the per-user limits', () => {
  it('answers a question past the token’s allowance with a tool error saying when to ask again', async () => {
    const svc = await startHttpService({
      DOCENT_API_TOKENS: `acme:${ACME_TOKEN}`,
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_QUEUE: '0',
    });
    const client = new Client({ name: 'docent-test', version: '1.0.0' });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${svc.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${ACME_TOKEN}` } },
        }),
      );
      const first = await client.callTool({ name: 'ask', arguments: { question: 'who runs payroll?' } });
      expect(first.isError).toBeFalsy();
      const second = await client.callTool({ name: 'ask', arguments: { question: 'where do I park?' } });
      expect(second.isError).toBe(true);
      expect(textOf(second)).toMatch(/^Too many questions; ask again in \d+ s\.$/);
    } finally {
      await client.close();
      await svc.stop();
    }
  });
});
