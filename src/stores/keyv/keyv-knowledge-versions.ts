import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import { INITIAL_VERSION, type KnowledgeVersions } from '../../core/ports/knowledge-versions.js';
import type { Scope } from '../../core/types.js';
import { boundedCalls, type KeyvCallOptions } from './keyv-answer-cache.js';

/** Knowledge versions in a keyv store of their own: on Redis, every instance sees every bump. */
export class KeyvKnowledgeVersions implements KnowledgeVersions {
  private readonly bounded: ReturnType<typeof boundedCalls>;

  constructor(
    private readonly keyv: Keyv,
    options: KeyvCallOptions,
  ) {
    this.bounded = boundedCalls(options);
  }

  async read(tenantId: string, scopes: readonly Scope[]): Promise<string[]> {
    const keys = scopes.map((scope) => versionKey(tenantId, scope));
    const found = await this.bounded(() => this.keyv.getMany<string>(keys));
    return scopes.map((_, i) => found?.[i] ?? INITIAL_VERSION);
  }

  // A fresh random token needs no read-modify-write, so concurrent bumps from several instances are safe.
  async bump(tenantId: string, scope: Scope): Promise<void> {
    await this.bounded(() => this.keyv.set(versionKey(tenantId, scope), randomUUID()));
  }

  async answerGeneration(tenantId: string): Promise<string> {
    return (await this.bounded(() => this.keyv.get<string>(generationKey(tenantId)))) ?? INITIAL_VERSION;
  }

  async retireAnswers(tenantId: string): Promise<void> {
    await this.bounded(() => this.keyv.set(generationKey(tenantId), randomUUID()));
  }

  async close(): Promise<void> {
    await this.bounded(() => this.keyv.disconnect());
  }
}

const versionKey = (tenantId: string, scope: Scope) => `version:${tenantId}:${scope}`;
const generationKey = (tenantId: string) => `answers:${tenantId}`;
