import { randomBytes } from 'node:crypto';
import { DocentError } from './errors.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { SourceKind } from './ports/source-kind.js';
import type { SourceScheduler } from './ports/source-scheduler.js';
import type { SecretRef, Source, SourceConfig, SourceStore, SyncState } from './ports/source-store.js';
import { assertScope, assertTenant } from './scope.js';
import { checkSecretRef } from './source-secrets.js';
import { nextWaitMs, syncSource } from './sync-source.js';

export interface SourcesDeps {
  store: SourceStore;
  kinds: readonly SourceKind[];
  knowledgeBase: KnowledgeBase;
  /** Reads the token a secret reference names; throws a DocentError when it cannot. */
  readSecret: (ref: SecretRef) => Promise<string | undefined>;
  /** The only directory whose files a source may name as its credentials (SOURCE_SECRETS_DIR). */
  secretsDir: string;
  retryBaseMs: number;
  now?: () => number;
}

export interface NewSource {
  tenantId: string;
  kind: string;
  target: string;
  scope?: string;
  everyMs?: number;
  settings?: SourceConfig['settings'];
  secret?: SecretRef;
}

export const DEFAULT_EVERY_MS = 6 * 3_600_000;
const MIN_EVERY_MS = 60_000;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `6h`, `1d` to milliseconds; at least a minute. */
export function parseEvery(text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms >= MIN_EVERY_MS))
    throw new DocentError(
      'invalid_input',
      `Invalid period "${text}": use minutes, hours or days, such as 30m, 6h or 1d.`,
    );
  return ms;
}

/** The sources of every tenant: added, listed, synced now or on their schedule, removed with their documents. */
export class Sources {
  private readonly kinds: Map<string, SourceKind>;
  private readonly running = new Map<string, Promise<SyncState>>();
  private scheduler?: SourceScheduler;

  constructor(private readonly deps: SourcesDeps) {
    this.kinds = new Map(deps.kinds.map((k) => [k.kind, k]));
  }

  get kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  async add(input: NewSource): Promise<Source> {
    assertTenant(input.tenantId);
    const scope = input.scope ?? 'tenant';
    assertScope(scope);
    if (scope.startsWith('user:'))
      throw new DocentError(
        'invalid_input',
        'A source is shared with the tenant or a channel, not one person.',
      );
    const kind = this.kindOf(input.kind);
    const everyMs = input.everyMs ?? DEFAULT_EVERY_MS;
    if (everyMs < MIN_EVERY_MS)
      throw new DocentError('invalid_input', 'A source is synced at most once a minute.');
    checkSecretRef(input.secret, this.deps.secretsDir);
    const source = await this.deps.store.create({
      id: `src_${randomBytes(6).toString('hex')}`,
      tenantId: input.tenantId,
      kind: kind.kind,
      target: kind.checkTarget(input.target),
      scope,
      everyMs,
      settings: input.settings ?? {},
      secret: input.secret?.env || input.secret?.file || input.secret?.keyFile ? input.secret : undefined,
      createdAt: new Date(this.now()).toISOString(),
    });
    this.scheduled(source);
    return source;
  }

  list(tenantId?: string): Promise<Source[]> {
    if (tenantId !== undefined) assertTenant(tenantId);
    return this.deps.store.list(tenantId);
  }

  get(id: string): Promise<Source | undefined> {
    return this.deps.store.get(id);
  }

  /**
   * Syncs the source now and returns it with its new state; a sync of it already running in this
   * process is joined rather than run twice. Undefined when there is no such source.
   */
  async sync(id: string, options: { full?: boolean } = {}): Promise<Source | undefined> {
    const source = await this.deps.store.get(id);
    if (!source) return undefined;
    let run = this.running.get(id);
    if (!run) {
      run = this.runSync(source, options).finally(() => this.running.delete(id));
      this.running.set(id, run);
    }
    return { ...source, state: await run };
  }

  /** Removes the source and every document it brought; undefined when there is no such source. */
  async remove(id: string): Promise<{ source: Source; documentsRemoved: number } | undefined> {
    const source = await this.deps.store.get(id);
    if (!source) return undefined;
    this.scheduler?.unschedule(id).catch(() => undefined);
    // A sync of it under way finishes before its documents are removed.
    await this.running.get(id)?.catch(() => undefined);
    const { knowledgeBase } = this.deps;
    // By origin, not only by what was remembered: a page ingested just before a crash goes too.
    const documents = (await knowledgeBase.listDocuments(source.tenantId)).filter(
      (d) => d.origin.platform === 'source' && d.origin.addedBy === id,
    );
    let documentsRemoved = 0;
    for (const d of documents)
      if (await knowledgeBase.removeDocument(source.tenantId, d.docId)) documentsRemoved++;
    await this.deps.store.remove(id);
    return { source, documentsRemoved };
  }

  /** Runs syncs on their schedule until close(). */
  async startSchedule(scheduler: SourceScheduler): Promise<void> {
    this.scheduler = scheduler;
    await scheduler.start({
      list: () => this.deps.store.list(),
      run: async (id) => {
        const synced = await this.sync(id);
        if (synced && synced.state.status !== 'ok')
          throw new Error(synced.state.lastError ?? `source ${id} did not sync completely`);
      },
    });
  }

  async close(): Promise<void> {
    await this.scheduler?.close();
    await Promise.allSettled(this.running.values());
  }

  private async runSync(source: Source, options: { full?: boolean }): Promise<SyncState> {
    const kind = this.kindOf(source.kind);
    let secret: string | undefined;
    try {
      secret = source.secret ? await this.deps.readSecret(source.secret) : undefined;
    } catch (error) {
      const failures = source.state.failures + 1;
      const at = this.now();
      const state: SyncState = {
        ...source.state,
        lastSyncAt: new Date(at).toISOString(),
        status: 'failed',
        lastError: (error as Error).message,
        failures,
        nextSyncAt: new Date(at + nextWaitMs(source.everyMs, failures, this.deps.retryBaseMs)).toISOString(),
      };
      await this.deps.store.recordSync(source.id, state);
      return state;
    }
    const { store, knowledgeBase, retryBaseMs } = this.deps;
    return syncSource(
      source,
      { store, kind, knowledgeBase, secret, retryBaseMs, now: () => this.now() },
      options,
    );
  }

  /**
   * Told to the scheduler without waiting: a shared scheduler whose Redis is away must not hold
   * the request, and it matches its schedules to the stored sources again on its own.
   */
  private scheduled(source: Source): void {
    this.scheduler?.schedule(source).catch(() => undefined);
  }

  private kindOf(name: string): SourceKind {
    const kind = this.kinds.get(name);
    if (!kind)
      throw new DocentError(
        'invalid_input',
        `Unknown source kind "${name}": use ${this.kindNames.join(', ')}.`,
      );
    return kind;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** A source as `docent source list --json` and the admin API show it: secrets by name only. */
export function sourceView(s: Source) {
  return {
    id: s.id,
    tenant: s.tenantId,
    kind: s.kind,
    target: s.target,
    scope: s.scope,
    every_ms: s.everyMs,
    settings: s.settings,
    secret: secretName(s.secret),
    created_at: s.createdAt,
    last_sync_at: s.state.lastSyncAt ?? null,
    status: s.state.status ?? 'never',
    counts: s.state.counts ?? null,
    last_error: s.state.lastError ?? null,
    failures: s.state.failures,
    next_sync_at: s.state.nextSyncAt ?? null,
  };
}

function secretName(secret: SecretRef | undefined): string | null {
  if (secret?.env) return `env:${secret.env}`;
  if (secret?.file) return `file:${secret.file}`;
  if (secret?.keyFile) return `key-file:${secret.keyFile}`;
  return null;
}
