import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { bytesOf } from '../helpers/temp-kb.js';

const BIN = path.resolve('bin/docent.js');

interface TextResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}
const textOf = (result: unknown) => (result as TextResult).content.map((c) => c.text ?? '').join('\n');

/** Two documents for everyone in the tenant, one for a private channel only. */
async function seed(dataDir: string): Promise<void> {
  const services = await createServices(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', INGEST_THREADS: '0' }),
    { command: 'ingest' },
  );
  const add = (source: string, text: string, scope: 'tenant' | `channel:${string}` = 'tenant') =>
    services.knowledgeBase.ingest({ tenantId: 'default', scope, source, fetchData: bytesOf(text) });
  try {
    await add('handbook/leave.md', '# Leave\n\nEvery employee gets 25 days of paid leave per year.');
    await add('runbooks/keys.md', '# API keys\n\nTo rotate the API key, open Settings and press Rotate.');
    await add('board/merger.md', '# Merger\n\nThe merger closes on the ninth of May.', 'channel:C1');
  } finally {
    await services.close();
  }
}

describe('docent mcp over standard input and output', () => {
  let dir: string;
  let client: Client;
  const stderr: string[] = [];
  const protocolErrors: Error[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-mcp-stdio-'));
    await seed(path.join(dir, 'data'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: path.join(dir, 'data'),
        LANCEDB_LOG: 'error',
        LOG_LEVEL: 'info',
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d) => stderr.push(String(d)));
    client = new Client({ name: 'docent-test', version: '1.0.0' });
    // A line on standard output that is not a protocol message shows up here.
    client.onerror = (error) => protocolErrors.push(error);
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists its two tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'search_documents']);
    const search = tools.find((t) => t.name === 'search_documents');
    expect(search?.inputSchema.required).toEqual(['query']);
  });

  it('finds passages with their title, source and score', async () => {
    const result = await client.callTool({
      name: 'search_documents',
      arguments: { query: 'paid leave days' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('25 days of paid leave');
    const { passages } = result.structuredContent as { passages: Record<string, unknown>[] };
    expect(passages[0]).toMatchObject({ n: 1, title: 'Leave', source: 'handbook/leave.md' });
    expect(passages[0]?.score).toEqual(expect.any(Number));
  });

  it('answers with sources, as docent ask does, and keeps the private channel’s document out', async () => {
    const result = await client.callTool({
      name: 'ask',
      arguments: { question: 'how do I rotate the API key?' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('press Rotate');
    const answer = result.structuredContent as Record<string, unknown> & { sources: { source: string }[] };
    expect(answer.sources[0]?.source).toBe('runbooks/keys.md');
    expect(answer).toMatchObject({ route: expect.any(String), model: expect.any(String) });
    expect(answer.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.session_id).toEqual(expect.any(String));

    const merger = await client.callTool({
      name: 'search_documents',
      arguments: { query: 'merger ninth of May' },
    });
    expect(textOf(merger)).not.toContain('ninth of May');
  });

  it('lists and reads the tenant-wide documents as resources', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.title).sort()).toEqual(['API keys', 'Leave']);
    const leave = resources.find((r) => r.title === 'Leave');
    const read = await client.readResource({ uri: leave?.uri ?? '' });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toContain('# Leave');
    expect(text).toContain('Source: handbook/leave.md');
    expect(text).toContain('25 days of paid leave');
    await expect(client.readResource({ uri: 'docent://documents/nope' })).rejects.toThrow(/no document/);
  });

  it('turns bad input into a tool error of one sentence and keeps serving', async () => {
    const tooMany = await client.callTool({
      name: 'search_documents',
      arguments: { query: 'leave', limit: 50 },
    });
    expect(tooMany.isError).toBe(true);
    expect(textOf(tooMany)).toContain('The limit must be at most 10.');
    const empty = await client.callTool({ name: 'ask', arguments: { question: '   ' } });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toContain('The question must not be empty.');
    const again = await client.callTool({
      name: 'search_documents',
      arguments: { query: 'leave', limit: 1 },
    });
    expect((again.structuredContent as { passages: unknown[] }).passages).toHaveLength(1);
  });

  it('writes nothing but protocol messages on standard output; its logs go to standard error', () => {
    expect(protocolErrors).toEqual([]);
    expect(stderr.join('')).toContain('MCP server ready');
  });
});
