/**
 * Across runs, per rule + fingerprint: realert suppression with "N more since", thresholds counted
 * across runs, resolve after a quiet period, and the claim a post must hold before it is sent.
 * Pure functions over FingerprintState; the job does the I/O.
 */
import type { Claim, ClaimSettlement, FingerprintState } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Most hit times kept for one threshold window; past it, only the newest count. */
export const MAX_HIT_TIMES = 5_000;
const MAX_LOG_GROUPS = 20;
const MAX_FINGERPRINT_CHARS = 1_000;

export interface FingerprintPolicy {
  realertMs: number;
  /**
   * When above realertMs, the quiet period doubles after each repeat post of one episode, up to this: an
   * incident that lasts all day reminds at 4 h, 8 h, 16 h instead of every 4 h. 0 or absent: fixed.
   */
  realertMaxMs?: number;
  threshold?: { count: number; withinMs: number };
  resolveMs?: number;
  /** How far back a run may read (lookback): late hits are at most this old. */
  lookbackMs: number;
}

/** This run's new hits of one rule + fingerprint. */
export interface RunHits {
  count: number;
  firstSeen: number;
  lastSeen: number;
  logGroups: readonly string[];
  /** Every hit's timestamp; needed only when the rule has a threshold. */
  times?: readonly number[];
}

export interface DecisionContext {
  /** The run's scheduled time: realert, resolve and threshold windows are measured in it. */
  now: number;
  /** Wall clock: claims expire in it. */
  wallNow: number;
  /** This run's id, the owner of the claims it takes. */
  owner: string;
  /** Wall-clock expiry of a claim this run takes (the run's lease end). */
  claimUntil: number;
}

/** "Still happening" fields for the Alert, set on a post that follows an earlier one. */
export interface Repeat {
  previouslyAlertedAt: number;
  suppressedSince?: number;
  suppressedCount?: number;
}

export type Decision =
  /** Post it: `next` carries this run's claim and must be written (versioned) before sending. */
  | { action: 'post'; next: FingerprintState; repeat?: Repeat; windowCount?: number }
  /** Inside the realert window: counted for the next post's "N more since". */
  | { action: 'suppress'; next: FingerprintState }
  /** A threshold rule that has not reached its count within its window yet. */
  | { action: 'below-threshold'; next: FingerprintState; windowCount: number }
  /** Another run, or an undelivered payload, holds the next post: counted for it. */
  | { action: 'held'; next: FingerprintState };

export function fingerprintTtl(state: Pick<FingerprintState, 'lastSeen'>, policy: FingerprintPolicy, now: number): number {
  const keep = Math.max(policy.realertMs, policy.resolveMs ?? 0, policy.threshold?.withinMs ?? 0, policy.lookbackMs);
  return Math.max(state.lastSeen, now) + keep + 7 * DAY;
}

export function newFingerprintState(ruleId: string, key: string, fingerprint: string, hits: RunHits): FingerprintState {
  return {
    ruleId,
    key,
    fingerprint: fingerprint.length > MAX_FINGERPRINT_CHARS ? fingerprint.slice(0, MAX_FINGERPRINT_CHARS) : fingerprint,
    firstSeen: hits.firstSeen,
    lastSeen: hits.lastSeen,
    logGroups: [],
    open: false,
    sinceCount: 0,
    hitTimes: [],
    expiresAt: 0,
    version: 0,
  };
}

/** A claim whose owner ran out of time without settling it: give its carried count back and drop it. */
function dropExpiredClaim(state: FingerprintState, wallNow: number): void {
  const claim = state.claim;
  if (!claim || claim.until > wallNow) return;
  if (claim.carry > 0) {
    state.sinceCount += claim.carry;
    state.sinceFrom = Math.min(state.sinceFrom ?? Infinity, claim.carrySince ?? claim.at);
  }
  delete state.claim;
}

/** Whether the fingerprint's last post still counts for realert (a resolve ends the incident). */
function effectiveLastAlerted(state: FingerprintState): number | undefined {
  if (state.lastAlertedAt === undefined) return undefined;
  if (state.resolvedAt !== undefined && state.resolvedAt >= state.lastAlertedAt) return undefined;
  return state.lastAlertedAt;
}

/** The quiet period after the fingerprint's last post: the base window, doubled per repeat up to the max. */
export function realertWindow(state: Pick<FingerprintState, 'repeats'>, policy: FingerprintPolicy): number {
  const max = policy.realertMaxMs ?? 0;
  if (max <= policy.realertMs) return policy.realertMs;
  return Math.min(max, policy.realertMs * 2 ** Math.min(state.repeats ?? 0, 20));
}

/** Decides what this run's hits of one fingerprint lead to. */
export function decideHits(
  prev: FingerprintState | undefined,
  init: { ruleId: string; key: string; fingerprint: string },
  hits: RunHits,
  policy: FingerprintPolicy,
  ctx: DecisionContext,
): Decision {
  const next: FingerprintState = prev
    ? { ...prev, logGroups: [...prev.logGroups], hitTimes: [...prev.hitTimes], ...(prev.claim ? { claim: { ...prev.claim } } : {}) }
    : newFingerprintState(init.ruleId, init.key, init.fingerprint, hits);
  next.firstSeen = Math.min(next.firstSeen, hits.firstSeen);
  next.lastSeen = Math.max(next.lastSeen, hits.lastSeen);
  for (const g of hits.logGroups) {
    if (!next.logGroups.includes(g) && next.logGroups.length < MAX_LOG_GROUPS) next.logGroups.push(g);
  }
  next.expiresAt = fingerprintTtl(next, policy, ctx.now);
  dropExpiredClaim(next, ctx.wallNow);

  const lastAlerted = effectiveLastAlerted(next);
  const count = (): void => {
    if (next.sinceCount === 0) next.sinceFrom = next.claim?.at ?? lastAlerted ?? hits.firstSeen;
    next.sinceCount += hits.count;
  };

  if (next.claim && next.claim.owner !== ctx.owner) {
    if (next.claim.kind === 'resolve' && next.claim.owner.startsWith('pending:')) {
      // It is happening again before the "resolved" note went out: the note is withdrawn (the pending
      // sender sees it lost the claim) and the hits are judged as usual.
      delete next.claim;
    } else {
      count();
      return { action: 'held', next };
    }
  }

  let windowCount: number | undefined;
  if (policy.threshold) {
    const { count: needed, withinMs } = policy.threshold;
    const times = [...next.hitTimes, ...(hits.times ?? [])]
      .filter((t) => t >= ctx.now - withinMs - policy.lookbackMs)
      .sort((a, b) => a - b);
    windowCount = maxWithin(times, withinMs);
    next.hitTimes = times.slice(-MAX_HIT_TIMES);
    if (windowCount < needed) {
      if (lastAlerted !== undefined) count();
      return { action: 'below-threshold', next, windowCount };
    }
  }

  // A gap of a whole base window between hits ends the episode: the next one starts at the base window again.
  const newEpisode = prev !== undefined && hits.firstSeen - prev.lastSeen >= policy.realertMs;
  if (newEpisode) next.repeats = 0;
  if (lastAlerted !== undefined && ctx.now - lastAlerted < realertWindow(next, policy)) {
    count();
    return { action: 'suppress', next };
  }

  let repeat: Repeat | undefined;
  if (lastAlerted !== undefined) {
    repeat = { previouslyAlertedAt: lastAlerted };
    if (next.sinceCount > 0) {
      repeat.suppressedSince = next.sinceFrom ?? lastAlerted;
      repeat.suppressedCount = next.sinceCount;
    }
  }
  const claim: Claim = {
    owner: ctx.owner,
    until: ctx.claimUntil,
    carry: next.sinceCount,
    ...(next.sinceFrom !== undefined ? { carrySince: next.sinceFrom } : {}),
    kind: 'alert',
    at: ctx.now,
    ...(lastAlerted !== undefined && !newEpisode ? { repeat: true } : {}),
  };
  next.claim = claim;
  next.sinceCount = 0;
  delete next.sinceFrom;
  // A threshold counts afresh after each post.
  next.hitTimes = [];
  return { action: 'post', next, ...(repeat ? { repeat } : {}), ...(windowCount !== undefined ? { windowCount } : {}) };
}

/** Most hits inside any span shorter than `withinMs` (times sorted ascending). */
export function maxWithin(times: readonly number[], withinMs: number): number {
  let best = 0;
  let i = 0;
  for (let j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= withinMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/**
 * Whether an alerted fingerprint has been quiet long enough to post "resolved": `resolveMs` since its
 * last hit, measured both on the run clock and on every one of its log groups' cursors (a group that
 * was not read cannot vouch for the quiet). Returns the state carrying this run's resolve claim.
 */
export function decideResolve(
  state: FingerprintState,
  policy: FingerprintPolicy,
  ctx: DecisionContext,
  scannedUntil: (logGroup: string) => number | undefined,
): FingerprintState | undefined {
  if (policy.resolveMs === undefined || !state.open) return undefined;
  const next: FingerprintState = { ...state, logGroups: [...state.logGroups], hitTimes: [...state.hitTimes], ...(state.claim ? { claim: { ...state.claim } } : {}) };
  dropExpiredClaim(next, ctx.wallNow);
  if (next.claim) return undefined;
  const quietUntil = next.lastSeen + policy.resolveMs;
  if (ctx.now < quietUntil) return undefined;
  if (!next.logGroups.every((g) => (scannedUntil(g) ?? Infinity) >= quietUntil)) return undefined;
  next.claim = { owner: ctx.owner, until: ctx.claimUntil, carry: 0, kind: 'resolve', at: ctx.now };
  next.expiresAt = fingerprintTtl(next, policy, ctx.now);
  return next;
}

/** What `settleClaim` does to a state; the in-memory store uses it, the DynamoDB store mirrors it in one update. */
export function applySettlement(state: FingerprintState, owner: string, s: ClaimSettlement): FingerprintState | undefined {
  const claim = state.claim;
  if (!claim || claim.owner !== owner) return undefined;
  const next: FingerprintState = { ...state, logGroups: [...state.logGroups], hitTimes: [...state.hitTimes], version: state.version + 1 };
  delete next.claim;
  switch (s.kind) {
    case 'delivered':
      if (claim.kind !== s.claim) return undefined;
      next.expiresAt = s.expiresAt;
      if (claim.kind === 'alert') {
        // A repeat within an episode widens the next quiet period (see realertWindow); a first post resets it.
        next.repeats = claim.repeat ? (next.repeats ?? 0) + 1 : 0;
        next.lastAlertedAt = claim.at;
        next.open = true;
        // Hits counted while the post was in flight stay for the next "N more since".
      } else {
        next.resolvedAt = claim.at;
        next.open = false;
        next.repeats = 0;
        next.sinceCount = 0;
        delete next.sinceFrom;
      }
      return next;
    case 'hand-over':
      next.claim = { ...claim, owner: s.to, until: s.until };
      return next;
    case 'release':
      if (claim.carry > 0) {
        next.sinceCount += claim.carry;
        next.sinceFrom = Math.min(next.sinceFrom ?? Infinity, claim.carrySince ?? claim.at);
      }
      return next;
  }
}
