/**
 * The channels where Docent answers every top-level question without being mentioned, kept per
 * tenant across restarts (set by an admin). Reads and writes throw when the database does.
 */
export interface AutoAnswerChannels {
  /** The tenant's channel ids, sorted; empty when none were set. */
  list(tenantId: string): Promise<string[]>;
  /** Replaces the tenant's channels in one write and returns them as stored (sorted, once each). */
  set(tenantId: string, channelIds: readonly string[]): Promise<string[]>;
}
