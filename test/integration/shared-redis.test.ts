import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/composition/services.js';
import { loadConfig } from '../../src/config.js';
import { ScriptedModel } from '../helpers/scripted-model.js';
import { bytesOf } from '../helpers/temp-kb.js';

// Two instances of Docent, as two machines would run them: same LanceDB, same Redis.
describe('two instances sharing Redis', () => {
  let dir: string;
  let a: Services;
  let b: Services;
  const modelsA = { cheap: new ScriptedModel('gpt-4o-mini'), strong: new ScriptedModel('gpt-4o') };
  const modelsB = { cheap: new ScriptedModel('gpt-4o-mini'), strong: new ScriptedModel('gpt-4o') };
  const tenantId = `acme-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-shared-'));
    const env = { DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'silent' };
    a = await createServices(loadConfig(env), { models: modelsA });
    await a.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source: 'keys.md',
      fetchData: bytesOf(
        '# Keys\n\nRotate production keys in Settings.\n\n## Staging\n\nStaging keys rotate nightly.',
      ),
    });
    b = await createServices(loadConfig(env), { models: modelsB });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('continues a thread on the other instance with its history', async () => {
    const threadId = `slack:T1:C1:${randomUUID()}`;
    await a.answerer.answer({
      question: 'how do I rotate production keys?',
      context: { tenantId },
      threadId,
    });
    await b.answerer.answer({ question: 'and for staging?', context: { tenantId }, threadId });
    expect(modelsB.cheap.prompts.at(-1)).toContain('User: how do I rotate production keys?');
  });

  it('serves an answer cached by one instance from the other', async () => {
    const question = `how are production keys rotated ${randomUUID().slice(0, 4)}?`;
    expect((await a.answerer.answer({ question, context: { tenantId } })).cached).toBe(false);
    const onB = await b.answerer.answer({ question, context: { tenantId } });
    expect(onB).toMatchObject({ cached: true, route: 'cached' });
  });

  it('invalidates both instances’ caches when either ingests', async () => {
    const question = 'how do staging keys rotate?';
    await a.answerer.answer({ question, context: { tenantId } });
    expect((await b.answerer.answer({ question, context: { tenantId } })).cached).toBe(true);
    await b.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source: 'extra.md',
      fetchData: bytesOf('# Extra\n\nStaging has its own vault.'),
    });
    expect((await a.answerer.answer({ question, context: { tenantId } })).cached).toBe(false);
  });

  it('stops answering from a document the other instance removed, and caches only the answer without it', async () => {
    const question = 'where do visitors park?';
    await a.knowledgeBase.ingest({
      tenantId,
      scope: 'tenant',
      source: 'parking.md',
      fetchData: bytesOf('# Parking\n\nVisitors park on level minus two, bay 40.'),
    });
    const sourcesOf = (answer: { sources: { source: string }[] }) => answer.sources.map((s) => s.source);
    // B searches the tenant now: the version of its table that it reads holds the passage.
    expect(sourcesOf(await b.answerer.answer({ question, context: { tenantId } }))).toContain('parking.md');

    const parking = (await a.knowledgeBase.listDocuments(tenantId)).find((d) => d.source === 'parking.md');
    await a.knowledgeBase.removeDocument(tenantId, parking?.docId ?? '');
    const after = await b.answerer.answer({ question, context: { tenantId } });
    expect(after.cached).toBe(false);
    expect(sourcesOf(after)).not.toContain('parking.md');
    // What B cached under the new knowledge version is that answer, for both instances.
    for (const instance of [b, a]) {
      const again = await instance.answerer.answer({ question, context: { tenantId } });
      expect(again.cached).toBe(true);
      expect(sourcesOf(again)).not.toContain('parking.md');
    }
  });
});
