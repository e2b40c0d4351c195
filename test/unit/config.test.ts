import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('works with an empty environment: local embedder, ./data, 25 MB, top 5', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: path.resolve('data'),
      lancedbUri: path.resolve('data', 'lancedb'),
      embeddings: { kind: 'local' },
      maxFileBytes: 25 * 1024 * 1024,
      topK: 5,
    });
    expect(config.openai).toBeUndefined();
  });

  it('switches to OpenAI embeddings when a key is set', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(config.embeddings).toEqual({ kind: 'openai', model: 'text-embedding-3-small' });
    expect(config.openai).toEqual({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' });
  });

  it('keeps local embeddings when asked to, even with a key', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test', EMBEDDINGS: 'local' }).embeddings).toEqual({
      kind: 'local',
    });
  });

  it('reranks only with an http(s) RERANK_URL, over at least TOP_K candidates', () => {
    expect(loadConfig({}).rerank).toBeUndefined();
    expect(loadConfig({ RERANK_URL: 'http://127.0.0.1:9/rerank', TOP_K: '30' }).rerank).toEqual({
      url: 'http://127.0.0.1:9/rerank',
      api: 'cohere',
      timeoutMs: 2000,
      candidates: 30,
    });
    for (const url of ['127.0.0.1:9/rerank', 'file:///etc/passwd'])
      expect(() => loadConfig({ RERANK_URL: url })).toThrow(/RERANK_URL: must be an http\(s\) URL/);
  });

  it("reads SLACK_ASSISTANT_PROMPTS as |-separated questions or JSON, up to Slack's four", () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
    const prompts = (value: string) =>
      loadConfig({ ...slack, SLACK_ASSISTANT_PROMPTS: value }).slack?.assistantPrompts;
    expect(prompts('How do I file expenses? | Where is the VPN guide?')).toEqual([
      { title: 'How do I file expenses?', message: 'How do I file expenses?' },
      { title: 'Where is the VPN guide?', message: 'Where is the VPN guide?' },
    ]);
    expect(prompts('["Who runs payroll?", {"title": "VPN", "message": "Where is the VPN guide?"}]')).toEqual([
      { title: 'Who runs payroll?', message: 'Who runs payroll?' },
      { title: 'VPN', message: 'Where is the VPN guide?' },
    ]);
    expect(loadConfig(slack).slack?.assistantPrompts).toBeUndefined();
    for (const bad of ['a|b|c|d|e', '["unclosed"', '[{"title": "no message"}]', 'a||b', '[]'])
      expect(() => prompts(bad)).toThrow(/SLACK_ASSISTANT_PROMPTS: must be 1 to 4 prompts/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ TOP_K: 'lots', CHUNK_SIZE: '10', OPENAI_BASE_URL: 'not a url', EMBEDDINGS: 'openai' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/TOP_K/);
      expect(problems).toMatch(/CHUNK_SIZE/);
      expect(problems).toMatch(/OPENAI_BASE_URL/);
      expect((err as ConfigError).problems.length).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('configuration documentation', () => {
  it('documents every variable in docs/configuration.md and .env.example', async () => {
    const { readFile } = await import('node:fs/promises');
    const { CONFIG_VARIABLES } = await import('../../src/config.js');
    const reference = await readFile('docs/configuration.md', 'utf8');
    const example = await readFile('.env.example', 'utf8');
    for (const name of CONFIG_VARIABLES) {
      expect(reference, `docs/configuration.md lacks ${name}`).toContain(`| \`${name}\``);
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('hands LANCEDB_STORAGE_OPTIONS to LanceDB as strings, and never repeats them in an error', () => {
    const config = loadConfig({
      LANCEDB_URI: 's3://bucket/docent',
      LANCEDB_STORAGE_OPTIONS:
        '{"endpoint": "http://127.0.0.1:9000", "allow_http": true, "aws_secret_access_key": "hush"}',
    });
    expect(config.lancedbStorageOptions).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      allow_http: 'true',
      aws_secret_access_key: 'hush',
    });
    for (const bad of [
      '{"aws_secret_access_key": "hush"',
      '["hush"]',
      '{"aws_secret_access_key": {"v": "hush"}}',
    ]) {
      const attempt = () => loadConfig({ LANCEDB_URI: 's3://bucket/docent', LANCEDB_STORAGE_OPTIONS: bad });
      expect(attempt).toThrow(/LANCEDB_STORAGE_OPTIONS: must be a JSON object of strings/);
      expect(attempt).not.toThrow(/hush/);
    }
    expect(() => loadConfig({ LANCEDB_STORAGE_OPTIONS: '{"region": "us-east-1"}' })).toThrow(
      /LANCEDB_STORAGE_OPTIONS: applies to object storage only/,
    );
  });
});
