/**
 * What the scanner remembers between scheduled runs. Everything here is plain data: the DynamoDB and
 * in-memory stores persist it, the pure functions in cursors.ts / fingerprints.ts decide with it.
 *
 * Versions: every item written with `put*` carries a `version`; a put succeeds only when the stored
 * version still equals the one the caller read (0 = "must not exist yet"), and stores version + 1.
 * That conditional write is what makes a claim exclusive between two overlapping runs.
 */

/** Per log group: how far it has been read, and which hits near that point were already counted. */
export interface Cursor {
  logGroup: string;
  /**
   * Every event with a timestamp before this was read and matched, as far as CloudWatch showed it
   * at the time. The next read starts `overlapMs` earlier to pick up late-ingested events.
   */
  scannedUntil: number;
  /**
   * `seen` holds every hit already counted with a timestamp >= seenFrom, as `seenEntry()` strings: a re-read
   * of [seenFrom, scannedUntil) skips them, so the overlap never counts a hit twice. A read never starts before it.
   */
  seenFrom: number;
  seen: string[];
  /** Set while the group cannot be read; cleared by the next read that makes progress. */
  failingSince?: number;
  lastError?: string;
  /** When the last run touched this cursor (the run's scheduled time). */
  updatedAt: number;
  version: number;
}

/** Identifies one rule + fingerprint. `key` is a fixed-length hash of the fingerprint text. */
export interface FingerprintRef {
  ruleId: string;
  key: string;
}

/** A claim on a fingerprint's next post: who may post it, until when. */
export interface Claim {
  /** A run id, or `pending:<id>` while an undelivered payload holds it. */
  owner: string;
  /** Wall-clock ms; an expired claim may be taken over (its owner died before settling it). */
  until: number;
  /** The "N more since" hits the claimed post reports; given back if the claim is abandoned. */
  carry: number;
  /** The `since` of those hits. */
  carrySince?: number;
  kind: 'alert' | 'resolve';
  /** The run's scheduled time when the claim was taken: becomes lastAlertedAt / resolvedAt when settled. */
  at: number;
  /** The claimed post repeats an alert of the same episode (it widens the next realert window). */
  repeat?: boolean;
}

/** Per rule + fingerprint, across runs. */
export interface FingerprintState extends FingerprintRef {
  /** The fingerprint text (shortened), for resolved messages and for people reading the table. */
  fingerprint: string;
  firstSeen: number;
  lastSeen: number;
  /** Log groups the fingerprint was seen in (capped); a resolve waits until all were scanned past the quiet period. */
  logGroups: string[];
  /** Last time a post about it was delivered (or handed to the pending queue). */
  lastAlertedAt?: number;
  /** Repeat posts in the current episode (widens the realert window when realertMaxMs is set). */
  repeats?: number;
  /** Set when a "resolved" message went out; the next hit starts a new incident. */
  resolvedAt?: number;
  /** Alerted and not resolved yet. */
  open: boolean;
  /** Hits counted but not posted since `sinceFrom` (realert suppression, or a post in flight). */
  sinceCount: number;
  sinceFrom?: number;
  /** Hit timestamps kept for a `threshold` whose window is longer than one run (newest last, capped). */
  hitTimes: number[];
  claim?: Claim;
  /** TTL (ms): the store derives the DynamoDB expiry attribute from it. */
  expiresAt: number;
  version: number;
}

/** What an undelivered payload holds: the claims it settles once delivered. */
export interface Hold extends FingerprintRef {
  kind: 'alert' | 'resolve';
}

/** A Slack payload that could not be delivered yet; sent first by the next run. */
export interface PendingPost {
  id: string;
  /** Run time (ms) it was built; pending posts go out oldest first. */
  createdAt: number;
  /** The payload exactly as it will be posted (JSON-serialisable). */
  payload: unknown;
  /** SSM parameter name of the webhook it goes to (channels.yml); absent: the default webhook. */
  channel?: string;
  holds: Hold[];
  attempts: number;
  lastError?: string;
  /** A run sending it right now; expired claims may be taken over. */
  claim?: { owner: string; until: number };
  expiresAt: number;
  version: number;
}

export type LeaseResult = { acquired: true } | { acquired: false; owner: string; until: number };

/** How a run settles a claim it holds on a fingerprint. */
export type ClaimSettlement =
  /** The post was delivered: the fingerprint is alerted (or resolved) as of the claim's `at`. */
  | { kind: 'delivered'; claim: Claim['kind']; expiresAt: number }
  /** The post is now an undelivered payload: hand the claim to it. */
  | { kind: 'hand-over'; to: string; until: number }
  /** Not posted and not queued: give the claim (and its carried count) back. */
  | { kind: 'release' };

/**
 * One run at a time per lease name: `run` for the whole account, or one name per shard when the scan is
 * fanned out (each shard reads its own log groups, so shards never contend for a cursor).
 */
export interface RunLease {
  /** Takes the lease if it is free or expired. `until` and `now` are wall-clock ms. */
  acquireLease(name: string, owner: string, now: number, until: number): Promise<LeaseResult>;
  releaseLease(name: string, owner: string): Promise<void>;
}

export interface CursorStore {
  getCursors(logGroups: readonly string[]): Promise<Map<string, Cursor>>;
  /** Versioned write (see the file comment); false when another run changed the cursor meanwhile. */
  putCursor(cursor: Cursor, expiresAt: number): Promise<boolean>;
}

export interface FingerprintStore {
  /** Keyed by `refKey(ref)`. */
  getFingerprints(refs: readonly FingerprintRef[]): Promise<Map<string, FingerprintState>>;
  /** Alerted and not resolved fingerprints of one rule (for `resolve`). */
  getOpenFingerprints(ruleId: string): Promise<FingerprintState[]>;
  /** Versioned write; taking a claim is a put with `claim` set. False on a version conflict. */
  putFingerprint(state: FingerprintState): Promise<boolean>;
  /** Applies a settlement if `owner` still holds the claim; false if it does not. */
  settleClaim(ref: FingerprintRef, owner: string, settlement: ClaimSettlement): Promise<boolean>;
}

/** Payloads waiting for delivery (an outbox). */
export interface PendingQueue {
  addPending(post: PendingPost): Promise<void>;
  /** Oldest first. */
  listPending(limit: number): Promise<PendingPost[]>;
  /** Claims a pending post for sending; false if another live run has it. */
  claimPending(id: string, owner: string, now: number, until: number): Promise<boolean>;
  /** Delivered: removes it. */
  removePending(id: string, owner: string): Promise<void>;
  /** Not delivered: records the error and frees it for the next run. */
  releasePending(id: string, owner: string, error: string): Promise<void>;
}

/**
 * The log volume runs have measured (bytes read per log group per window), per lease name: the engine
 * planner's cost and time estimates start from it instead of the `bytesPerGroupPerWindow` setting.
 */
export interface VolumeStore {
  getVolume(name: string): Promise<number | undefined>;
  putVolume(name: string, bytesPerGroupPerWindow: number, expiresAt: number): Promise<void>;
}

/** Everything the scheduled scan keeps between runs. */
export interface StateStore extends RunLease, CursorStore, FingerprintStore, PendingQueue, VolumeStore {}

export function refKey(ref: FingerprintRef): string {
  return `${ref.ruleId}\u0000${ref.key}`;
}
