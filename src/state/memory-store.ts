import { applySettlement } from './fingerprints';
import {
  refKey,
  type ClaimSettlement,
  type Cursor,
  type FingerprintRef,
  type FingerprintState,
  type LeaseResult,
  type PendingPost,
  type StateStore,
} from './types';

/**
 * The same contract as the DynamoDB store, in a process's memory: for unit tests of the run logic and
 * for dry runs. Values are copied in and out, so callers never share objects with the store.
 */
export class MemoryStateStore implements StateStore {
  readonly leases = new Map<string, { owner: string; until: number }>();
  readonly cursors = new Map<string, Cursor>();
  readonly fingerprints = new Map<string, FingerprintState>();
  readonly pending = new Map<string, PendingPost>();
  readonly volumes = new Map<string, number>();

  async acquireLease(name: string, owner: string, now: number, until: number): Promise<LeaseResult> {
    const held = this.leases.get(name);
    if (held && held.until > now && held.owner !== owner) return { acquired: false, owner: held.owner, until: held.until };
    this.leases.set(name, { owner, until });
    return { acquired: true };
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  async getVolume(name: string): Promise<number | undefined> {
    return this.volumes.get(name);
  }

  async putVolume(name: string, bytesPerGroupPerWindow: number): Promise<void> {
    this.volumes.set(name, bytesPerGroupPerWindow);
  }

  async getCursors(logGroups: readonly string[]): Promise<Map<string, Cursor>> {
    const out = new Map<string, Cursor>();
    for (const g of logGroups) {
      const c = this.cursors.get(g);
      if (c) out.set(g, structuredClone(c));
    }
    return out;
  }

  async putCursor(cursor: Cursor): Promise<boolean> {
    const stored = this.cursors.get(cursor.logGroup);
    if ((stored?.version ?? 0) !== cursor.version) return false;
    this.cursors.set(cursor.logGroup, { ...structuredClone(cursor), version: cursor.version + 1 });
    return true;
  }

  async getFingerprints(refs: readonly FingerprintRef[]): Promise<Map<string, FingerprintState>> {
    const out = new Map<string, FingerprintState>();
    for (const ref of refs) {
      const s = this.fingerprints.get(refKey(ref));
      if (s) out.set(refKey(ref), structuredClone(s));
    }
    return out;
  }

  async getOpenFingerprints(ruleId: string): Promise<FingerprintState[]> {
    return [...this.fingerprints.values()].filter((s) => s.ruleId === ruleId && s.open).map((s) => structuredClone(s));
  }

  async putFingerprint(state: FingerprintState): Promise<boolean> {
    const stored = this.fingerprints.get(refKey(state));
    if ((stored?.version ?? 0) !== state.version) return false;
    this.fingerprints.set(refKey(state), { ...structuredClone(state), version: state.version + 1 });
    return true;
  }

  async settleClaim(ref: FingerprintRef, owner: string, settlement: ClaimSettlement): Promise<boolean> {
    const stored = this.fingerprints.get(refKey(ref));
    const next = stored && applySettlement(stored, owner, settlement);
    if (!next) return false;
    this.fingerprints.set(refKey(ref), structuredClone(next));
    return true;
  }

  async addPending(post: PendingPost): Promise<void> {
    this.pending.set(post.id, { ...structuredClone(post), version: 1 });
  }

  async listPending(limit: number): Promise<PendingPost[]> {
    return [...this.pending.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((p) => structuredClone(p));
  }

  async claimPending(id: string, owner: string, now: number, until: number): Promise<boolean> {
    const p = this.pending.get(id);
    if (!p || (p.claim && p.claim.until > now && p.claim.owner !== owner)) return false;
    p.claim = { owner, until };
    p.version += 1;
    return true;
  }

  async removePending(id: string, owner: string): Promise<void> {
    if (this.pending.get(id)?.claim?.owner === owner) this.pending.delete(id);
  }

  async releasePending(id: string, owner: string, error: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p || p.claim?.owner !== owner) return;
    delete p.claim;
    p.attempts += 1;
    p.lastError = error;
    p.version += 1;
  }
}
