/** The StateStore contract, run against the in-memory store and the DynamoDB store (on dynalite). */
import { decideHits, pendingId, refKey, type Cursor, type FingerprintState, type PendingPost, type StateStore } from '../../../src/state';

const T = Date.UTC(2026, 10, 23, 12, 0, 0);

export function stateStoreContract(makeStore: () => Promise<StateStore> | StateStore): void {
  let store: StateStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  const fp = (owner = 'run-a', ruleId = 'errors'): FingerprintState =>
    decideHits(undefined, { ruleId, key: 'k1', fingerprint: 'ERROR <*>' }, { count: 1, firstSeen: T, lastSeen: T, logGroups: ['/aws/lambda/a'] }, { realertMs: 0, lookbackMs: 0 }, { now: T, wallNow: 0, owner, claimUntil: 10 }).next;

  it('gives the run lease to one run at a time, and to the next once it expires or is released', async () => {
    expect(await store.acquireLease('run', 'a', 100, 200)).toEqual({ acquired: true });
    expect(await store.acquireLease('run', 'b', 150, 300)).toEqual({ acquired: false, owner: 'a', until: 200 });
    expect(await store.acquireLease('run', 'b', 201, 300)).toEqual({ acquired: true });
    await store.releaseLease('run', 'a'); // not the holder: no effect
    expect((await store.acquireLease('run', 'c', 250, 400)).acquired).toBe(false);
    await store.releaseLease('run', 'b');
    expect((await store.acquireLease('run', 'c', 250, 400)).acquired).toBe(true);
    // Another name (a shard) is independent.
    expect((await store.acquireLease('shard-1-of-4', 'd', 250, 400)).acquired).toBe(true);
  });

  it('writes cursors only over the version that was read', async () => {
    const c: Cursor = { logGroup: '/aws/lambda/a', scannedUntil: T, seenFrom: T - 1, seen: ['x.y'], updatedAt: T, version: 0 };
    expect(await store.putCursor(c, T + 1e9)).toBe(true);
    expect(await store.putCursor(c, T + 1e9)).toBe(false); // someone else's stale copy
    const got = (await store.getCursors(['/aws/lambda/a', '/aws/lambda/none'])).get('/aws/lambda/a')!;
    expect(got).toMatchObject({ scannedUntil: T, seen: ['x.y'], version: 1 });
    expect(await store.putCursor({ ...got, scannedUntil: T + 5 }, T + 1e9)).toBe(true);
    expect((await store.getCursors(['/aws/lambda/a'])).get('/aws/lambda/a')?.scannedUntil).toBe(T + 5);
  });

  it('reads many cursors at once (past one batch)', async () => {
    const groups = Array.from({ length: 130 }, (_, i) => `/aws/lambda/f${i}`);
    for (const g of groups) await store.putCursor({ logGroup: g, scannedUntil: T, seenFrom: T, seen: [], updatedAt: T, version: 0 }, T);
    expect((await store.getCursors(groups)).size).toBe(130);
  });

  it('lets exactly one of two runs claim the same post', async () => {
    const a = fp('run-a');
    const b = fp('run-b');
    const results = await Promise.all([store.putFingerprint(a), store.putFingerprint(b)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = (await store.getFingerprints([a])).get(refKey(a))!;
    expect(stored.version).toBe(1);
    expect(['run-a', 'run-b']).toContain(stored.claim?.owner);
  });

  it('settles a claim only for its owner, and lists open fingerprints by rule', async () => {
    await store.putFingerprint(fp('run-a'));
    expect(await store.settleClaim({ ruleId: 'errors', key: 'k1' }, 'run-b', { kind: 'delivered', claim: 'alert', expiresAt: T })).toBe(false);
    expect(await store.getOpenFingerprints('errors')).toEqual([]);
    expect(await store.settleClaim({ ruleId: 'errors', key: 'k1' }, 'run-a', { kind: 'delivered', claim: 'alert', expiresAt: T })).toBe(true);
    const open = await store.getOpenFingerprints('errors');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ lastAlertedAt: T, open: true, version: 2, fingerprint: 'ERROR <*>', logGroups: ['/aws/lambda/a'] });
    expect(open[0]!.claim).toBeUndefined();
    expect(await store.getOpenFingerprints('other-rule')).toEqual([]);
  });

  it('queues pending payloads oldest first and lets one run at a time send each', async () => {
    const post = (createdAt: number): PendingPost => ({
      id: pendingId(createdAt),
      createdAt,
      payload: { text: `p${createdAt}`, blocks: [] },
      holds: [{ ruleId: 'errors', key: 'k1', kind: 'alert' }],
      attempts: 1,
      expiresAt: T + 1e9,
      version: 0,
    });
    const later = post(T + 10);
    const earlier = post(T);
    await store.addPending(later);
    await store.addPending(earlier);
    const list = await store.listPending(10);
    expect(list.map((p) => p.id)).toEqual([earlier.id, later.id]);
    expect(list[0]).toMatchObject({ payload: { text: `p${T}`, blocks: [] }, holds: earlier.holds, attempts: 1 });
    expect(await store.listPending(1)).toHaveLength(1);

    expect(await store.claimPending(earlier.id, 'run-a', 100, 200)).toBe(true);
    expect(await store.claimPending(earlier.id, 'run-b', 150, 300)).toBe(false);
    await store.releasePending(earlier.id, 'run-a', 'HTTP 500');
    expect((await store.listPending(1))[0]).toMatchObject({ attempts: 2, lastError: 'HTTP 500' });
    expect(await store.claimPending(earlier.id, 'run-b', 150, 300)).toBe(true);
    await store.removePending(earlier.id, 'run-a'); // not the claimer: no effect
    expect(await store.listPending(10)).toHaveLength(2);
    await store.removePending(earlier.id, 'run-b');
    expect((await store.listPending(10)).map((p) => p.id)).toEqual([later.id]);
    expect(await store.claimPending(earlier.id, 'run-c', 400, 500)).toBe(false); // gone
  });
}
