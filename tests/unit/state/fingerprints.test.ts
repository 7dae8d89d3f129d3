import {
  applySettlement,
  decideHits,
  decideResolve,
  maxWithin,
  type DecisionContext,
  type FingerprintPolicy,
  type FingerprintState,
  type RunHits,
} from '../../../src/state';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 23, 12, 0, 0);
const ID = { ruleId: 'errors', key: 'k1', fingerprint: 'ERROR <*> failed' };
const POLICY: FingerprintPolicy = { realertMs: 30 * MIN, lookbackMs: 60 * MIN };
const ctx = (now: number, owner = 'run-a'): DecisionContext => ({ now, wallNow: 1_000, owner, claimUntil: 2_000 });
const hits = (count: number, at: number, group = '/aws/lambda/a'): RunHits => ({ count, firstSeen: at, lastSeen: at, logGroups: [group] });

/** What the store holds after the claim is written and then settled as delivered. */
function delivered(state: FingerprintState, owner = 'run-a'): FingerprintState {
  const written = { ...state, version: state.version + 1 };
  return applySettlement(written, owner, { kind: 'delivered', claim: state.claim!.kind, expiresAt: 0 })!;
}

describe('decideHits', () => {
  it('posts a first hit and claims the post', () => {
    const d = decideHits(undefined, ID, hits(3, T), POLICY, ctx(T));
    expect(d.action).toBe('post');
    expect(d.next.claim).toMatchObject({ owner: 'run-a', kind: 'alert', at: T, carry: 0 });
    expect(d.next.version).toBe(0);
    expect(d.action === 'post' && d.repeat).toBeUndefined();
  });

  it('suppresses repeats inside the realert window, then reposts with "N more since"', () => {
    const first = delivered(decideHits(undefined, ID, hits(1, T), POLICY, ctx(T)).next);
    expect(first).toMatchObject({ lastAlertedAt: T, open: true, sinceCount: 0 });

    const second = decideHits(first, ID, hits(4, T + 5 * MIN), POLICY, ctx(T + 5 * MIN));
    expect(second.action).toBe('suppress');
    expect(second.next).toMatchObject({ sinceCount: 4, sinceFrom: T });
    const third = decideHits({ ...second.next, version: 2 }, ID, hits(2, T + 10 * MIN), POLICY, ctx(T + 10 * MIN));
    expect(third.action).toBe('suppress');
    expect(third.next.sinceCount).toBe(6);

    const after = decideHits({ ...third.next, version: 3 }, ID, hits(1, T + 31 * MIN), POLICY, ctx(T + 31 * MIN));
    expect(after.action).toBe('post');
    if (after.action !== 'post') return;
    expect(after.repeat).toEqual({ previouslyAlertedAt: T, suppressedSince: T, suppressedCount: 6 });
    expect(after.next.sinceCount).toBe(0);
    expect(after.next.claim).toMatchObject({ carry: 6, carrySince: T });
  });

  it('posts every run with realert 0', () => {
    const policy = { ...POLICY, realertMs: 0 };
    const first = delivered(decideHits(undefined, ID, hits(1, T), policy, ctx(T)).next);
    expect(decideHits(first, ID, hits(1, T + 5 * MIN), policy, ctx(T + 5 * MIN)).action).toBe('post');
  });

  it('counts hits for a post another run (or a pending payload) holds, and never posts them twice', () => {
    const claimed = { ...decideHits(undefined, ID, hits(1, T), POLICY, ctx(T, 'run-a')).next, version: 1 };
    const other = decideHits(claimed, ID, hits(2, T + 1), POLICY, ctx(T, 'run-b'));
    expect(other.action).toBe('held');
    expect(other.next.sinceCount).toBe(2);
    expect(other.next.claim?.owner).toBe('run-a');
  });

  it('takes over a claim whose run died, giving its carried count back', () => {
    const claimed = { ...decideHits(undefined, ID, hits(1, T), POLICY, ctx(T, 'run-a')).next, version: 1 };
    claimed.claim = { ...claimed.claim!, carry: 5, carrySince: T - MIN };
    const later = decideHits(claimed, ID, hits(1, T + 5 * MIN), POLICY, { ...ctx(T + 5 * MIN, 'run-b'), wallNow: 5_000 });
    expect(later.action).toBe('post');
    expect(later.next.claim).toMatchObject({ owner: 'run-b', carry: 5, carrySince: T - MIN });
  });

  it('alerts a threshold rule only once the count is reached within the window, across runs', () => {
    const policy = { ...POLICY, threshold: { count: 5, withinMs: 10 * MIN } };
    const run = (prev: FingerprintState | undefined, times: number[], now: number) =>
      decideHits(prev, ID, { ...hits(times.length, Math.min(...times)), lastSeen: Math.max(...times), times }, policy, ctx(now));
    const a = run(undefined, [T, T + MIN], T + 3 * MIN);
    expect(a).toMatchObject({ action: 'below-threshold', windowCount: 2 });
    const b = run({ ...a.next, version: 1 }, [T + 4 * MIN, T + 5 * MIN], T + 8 * MIN);
    expect(b).toMatchObject({ action: 'below-threshold', windowCount: 4 });
    // The fifth hit comes 12 minutes after the first: the window now holds 4 (the first fell out).
    const c = run({ ...b.next, version: 2 }, [T + 12 * MIN], T + 13 * MIN);
    expect(c).toMatchObject({ action: 'below-threshold', windowCount: 4 });
    const d = run({ ...c.next, version: 3 }, [T + 13 * MIN, T + 13.5 * MIN], T + 18 * MIN);
    expect(d).toMatchObject({ action: 'post', windowCount: 5 });
    expect(d.next.hitTimes).toEqual([]);
  });

  it('starts a new incident after a resolve, without realert suppression', () => {
    const alerted = delivered(decideHits(undefined, ID, hits(1, T), POLICY, ctx(T)).next);
    const resolving = decideResolve({ ...alerted, version: 2 }, { ...POLICY, resolveMs: 10 * MIN }, ctx(T + 11 * MIN), () => T + 20 * MIN)!;
    const resolved = delivered(resolving);
    expect(resolved).toMatchObject({ open: false, resolvedAt: T + 11 * MIN });
    const again = decideHits(resolved, ID, hits(1, T + 15 * MIN), POLICY, ctx(T + 15 * MIN));
    expect(again.action).toBe('post');
    expect(again.action === 'post' && again.repeat).toBeUndefined();
  });
});

describe('decideResolve', () => {
  const policy = { ...POLICY, resolveMs: 10 * MIN };
  const open = (): FingerprintState => ({ ...delivered(decideHits(undefined, ID, hits(1, T), policy, ctx(T)).next), version: 2 });

  it('resolves once the fingerprint was quiet for resolveMs on the clock and in every one of its log groups', () => {
    expect(decideResolve(open(), policy, ctx(T + 9 * MIN), () => T + 20 * MIN)).toBeUndefined();
    // The group's cursor has not passed the quiet period yet: it cannot vouch for the silence.
    expect(decideResolve(open(), policy, ctx(T + 20 * MIN), () => T + 9 * MIN)).toBeUndefined();
    expect(decideResolve(open(), policy, ctx(T + 20 * MIN), () => T + 10 * MIN)?.claim).toMatchObject({ kind: 'resolve' });
  });

  it('does nothing for rules without resolve, or fingerprints never alerted', () => {
    expect(decideResolve(open(), POLICY, ctx(T + 60 * MIN), () => Infinity)).toBeUndefined();
    expect(decideResolve({ ...open(), open: false }, policy, ctx(T + 60 * MIN), () => Infinity)).toBeUndefined();
  });
});

describe('applySettlement', () => {
  const claimed = (): FingerprintState => ({ ...decideHits(undefined, ID, hits(1, T), POLICY, ctx(T)).next, version: 1, sinceCount: 2, sinceFrom: T });

  it('only the claim owner settles', () => {
    expect(applySettlement(claimed(), 'run-b', { kind: 'release' })).toBeUndefined();
  });

  it('keeps hits counted while the post was in flight for the next "N more since"', () => {
    expect(applySettlement(claimed(), 'run-a', { kind: 'delivered', claim: 'alert', expiresAt: 9 })).toMatchObject({
      lastAlertedAt: T,
      open: true,
      sinceCount: 2,
      version: 2,
      expiresAt: 9,
    });
  });

  it('hands a claim to a pending payload, and gives the carried count back on release', () => {
    const s = claimed();
    s.claim = { ...s.claim!, carry: 3, carrySince: T - MIN };
    expect(applySettlement(s, 'run-a', { kind: 'hand-over', to: 'pending:1', until: 99 })?.claim).toMatchObject({ owner: 'pending:1', until: 99, carry: 3 });
    expect(applySettlement(s, 'run-a', { kind: 'release' })).toMatchObject({ sinceCount: 5, sinceFrom: T - MIN });
  });
});

describe('maxWithin', () => {
  it('finds the densest window', () => {
    expect(maxWithin([], 10)).toBe(0);
    expect(maxWithin([0, 5, 9, 10, 11, 30], 10)).toBe(4);
  });
});
