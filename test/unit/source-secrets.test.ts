import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecret } from '../../src/sources/secrets.js';

describe("a source's secret", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-secret-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("is a token file's first line, or a JSON key file whole", async () => {
    const token = path.join(dir, 'token');
    await writeFile(token, 'tok-123\nignored\n');
    expect(await readSecret({ file: token })).toBe('tok-123');
    const key = path.join(dir, 'sa.json');
    const json = JSON.stringify(
      { type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----\nabc\n' },
      null,
      2,
    );
    await writeFile(key, json);
    expect(await readSecret({ keyFile: key })).toBe(json);
  });

  it('refuses a key file that is not a JSON object, or too large, in one sentence naming the file', async () => {
    const notJson = path.join(dir, 'key.txt');
    await writeFile(notJson, 'just-a-token\n');
    await expect(readSecret({ keyFile: notJson })).rejects.toThrow(
      `The key file ${notJson} is not a JSON object.`,
    );
    const large = path.join(dir, 'large.json');
    await writeFile(large, JSON.stringify({ pad: 'x'.repeat(20_000) }));
    await expect(readSecret({ keyFile: large })).rejects.toThrow(/cannot be read \(too large for a key\)/);
    await expect(readSecret({ keyFile: path.join(dir, 'missing.json') })).rejects.toThrow(/cannot be read/);
  });
});
