import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecret } from '../../src/sources/secrets.js';

describe("a source's secret", () => {
  let root: string;
  // SOURCE_SECRETS_DIR: the only directory a source may read credentials from.
  let dir: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'docent-secret-'));
    dir = path.join(root, 'secrets');
    await mkdir(dir);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it("is a token file's first line, or a JSON key file whole", async () => {
    const token = path.join(dir, 'token');
    await writeFile(token, 'tok-123\nignored\n');
    expect(await readSecret({ file: token }, dir)).toBe('tok-123');
    const key = path.join(dir, 'sa.json');
    const json = JSON.stringify(
      { type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----\nabc\n' },
      null,
      2,
    );
    await writeFile(key, json);
    expect(await readSecret({ keyFile: key }, dir)).toBe(json);
  });

  it('refuses a key file that is not a JSON object, or too large, in one sentence naming the file', async () => {
    const notJson = path.join(dir, 'key.txt');
    await writeFile(notJson, 'just-a-token\n');
    await expect(readSecret({ keyFile: notJson }, dir)).rejects.toThrow(
      `The key file ${notJson} is not a JSON object.`,
    );
    const large = path.join(dir, 'large.json');
    await writeFile(large, JSON.stringify({ pad: 'x'.repeat(20_000) }));
    await expect(readSecret({ keyFile: large }, dir)).rejects.toThrow(
      /cannot be read \(too large for a key\)/,
    );
    await expect(readSecret({ keyFile: path.join(dir, 'missing.json') }, dir)).rejects.toThrow(
      /cannot be read/,
    );
  });

  it("is never one of Docent's own settings nor a file outside the secrets directory", async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-bot', DOCENT_SOURCE_WIKI_TOKEN: 'tok-wiki' };
    expect(await readSecret({ env: 'DOCENT_SOURCE_WIKI_TOKEN' }, dir, env)).toBe('tok-wiki');
    for (const name of ['SLACK_BOT_TOKEN', 'OPENAI_API_KEY', 'DOCENT_ADMIN_TOKEN', 'docent_source_x'])
      await expect(readSecret({ env: name }, dir, env)).rejects.toThrow(/named DOCENT_SOURCE_/);

    const outside = path.join(root, 'bot-token');
    await writeFile(outside, 'xoxb-bot\n');
    const refused = /SOURCE_SECRETS_DIR/;
    await expect(readSecret({ file: outside }, dir)).rejects.toThrow(refused);
    await expect(readSecret({ file: path.join(dir, '..', 'bot-token') }, dir)).rejects.toThrow(refused);
    await expect(readSecret({ keyFile: '/proc/self/environ' }, dir)).rejects.toThrow(refused);
    await expect(readSecret({ file: dir }, dir)).rejects.toThrow(refused);
    // A link placed inside the directory is followed before the check.
    const link = path.join(dir, 'innocent');
    await symlink(outside, link);
    await expect(readSecret({ file: link }, dir)).rejects.toThrow(/leads outside SOURCE_SECRETS_DIR/);
  });
});
