import { inShard } from '../../../src/sources/shard';
import { MemoryStateStore, type StateStore } from '../../../src/state';
import { rule } from '../pipeline/rules';
import { harness, marker, MIN, T0 } from './harness';

const G = '/aws/lambda/orders';
/** Tick k fires at T0 + 5k min + 2 min 30 s: its window ends at T0 + 5k min (5 min interval, 2 min lag). */
const tickAt = (k: number): number => T0 + k * 5 * MIN + 2.5 * MIN;
const text = (x: unknown): string => JSON.stringify(x);

describe('runs with state', () => {
  it('posts a hit once, suppresses the repeats, and reposts after the realert window with "N more since"', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 30 });
    h.source.add(G, T0 - 3 * MIN, 'ERROR payment failed');
    let r = await h.tick(tickAt(0));
    expect(r.summary).toMatchObject({ alerts: 1, messages: 1, lease: 'acquired', cursorsAdvanced: 1, groupsBehind: 0 });
    expect(h.posted).toHaveLength(1);

    // The same error keeps happening: counted, not posted.
    for (let k = 1; k <= 5; k++) {
      h.source.add(G, T0 + (k - 1) * 5 * MIN + MIN, 'ERROR payment failed');
      h.source.add(G, T0 + (k - 1) * 5 * MIN + 2 * MIN, 'ERROR payment failed');
      r = await h.tick(tickAt(k));
      expect(r.summary.suppressed).toBe(2);
    }
    expect(h.posted).toHaveLength(1);

    // 30 minutes after the first post: posted again, saying how much was suppressed since.
    h.source.add(G, T0 + 30 * MIN + MIN, 'ERROR payment failed');
    r = await h.tick(tickAt(7));
    expect(h.posted).toHaveLength(2);
    expect(text(h.posted[1])).toContain('*Still happening:* 10 more since 2026-11-23T12:02:30Z');
    expect(r.summary).toMatchObject({ alerts: 1, suppressed: 0 });
  });

  it('catches a late-ingested event through the overlap, once, and does not count the overlap twice', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    h.source.add(G, T0 - 4 * MIN, `ERROR on time ${marker(1)}`);
    // Stamped 30 s before the first window's end, searchable only 3 minutes later.
    h.source.add(G, T0 - 0.5 * MIN, `ERROR late ${marker(2)}`, 3.5 * MIN);
    await h.tick(tickAt(0));
    expect([...h.delivered().keys()]).toEqual([marker(1)]);
    const r = await h.tick(tickAt(1));
    expect(h.source.reads.at(-1)).toMatchObject({ start: T0 - 2 * MIN, end: T0 + 5 * MIN });
    expect(h.delivered()).toEqual(new Map([[marker(1), 1], [marker(2), 1]]));
    expect(r.summary.hits).toBe(1);
    // A third run re-reads the overlap again: nothing new.
    await h.tick(tickAt(2));
    expect(h.posted).toHaveLength(2);
  });

  it('alerts a threshold only when the count is reached within the window, across runs', async () => {
    const h = harness([rule({ id: 'bursts', threshold: { count: 3, withinMs: 10 * MIN } })]);
    h.source.add(G, T0 - MIN, 'ERROR slow');
    await h.tick(tickAt(0));
    h.source.add(G, T0 + MIN, 'ERROR slow');
    const r = await h.tick(tickAt(1));
    expect(r.summary.belowThreshold).toBe(1);
    expect(h.posted).toHaveLength(0);
    h.source.add(G, T0 + 6 * MIN, 'ERROR slow');
    await h.tick(tickAt(2));
    expect(h.posted).toHaveLength(1);
  });

  it('posts one "resolved" note once an alert has been quiet for resolveMs', async () => {
    const h = harness([rule({ id: 'errors', resolveMs: 15 * MIN })]);
    h.source.add(G, T0 - MIN, 'ERROR db down');
    await h.tick(tickAt(0));
    for (let k = 1; k <= 6; k++) await h.tick(tickAt(k));
    const resolved = h.posted.filter((p) => p.text.includes('RESOLVED'));
    expect(resolved).toHaveLength(1);
    expect(text(resolved[0])).toContain('ERROR db down');
    expect(h.posted).toHaveLength(2);
    // Happening again after the resolve: a new incident, posted at once.
    h.source.add(G, T0 + 31 * MIN, 'ERROR db down');
    await h.tick(tickAt(7));
    expect(h.posted).toHaveLength(3);
    expect(text(h.posted[2])).not.toContain('Still happening');
  });

  it('does not resolve while a log group of the alert cannot be read', async () => {
    const h = harness([rule({ id: 'errors', resolveMs: 10 * MIN })]);
    h.source.add(G, T0 - MIN, 'ERROR db down');
    await h.tick(tickAt(0));
    h.source.failing.set(G, Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    for (let k = 1; k <= 4; k++) await h.tick(tickAt(k));
    expect(h.posted).toHaveLength(1);
    h.source.failing.clear();
    await h.tick(tickAt(5));
    expect(h.posted.filter((p) => p.text.includes('RESOLVED'))).toHaveLength(1);
  });

  it('keeps what Slack would not take as pending, sends it first next run, exactly once', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    h.source.add(G, T0 - MIN, `ERROR one ${marker(1)}`);
    h.failNextPosts(1);
    let r = await h.tick(tickAt(0));
    expect(r.summary).toMatchObject({ pending: 1, cursorsAdvanced: 1 });
    expect(h.posted).toHaveLength(0);
    // Slack is still down next run: the pending post stays, new hits of its fingerprint wait for it
    // (counted, not posted twice), a new alert joins the queue behind it.
    h.failNextPosts(1);
    h.source.add(G, T0 + MIN, `ERROR one ${marker(1)}`);
    h.source.add(G, T0 + 2 * MIN, `ERROR two ${marker(2)}`);
    r = await h.tick(tickAt(1));
    expect(r.summary).toMatchObject({ pendingDelivered: 0, pending: 2, suppressed: 1, alerts: 1 });
    expect(h.posted).toHaveLength(0);
    r = await h.tick(tickAt(2));
    expect(r.summary).toMatchObject({ pendingDelivered: 2, pending: 0 });
    expect(h.delivered()).toEqual(new Map([[marker(1), 1], [marker(2), 1]]));
    expect(text(h.posted[0])).toContain(marker(1)); // oldest first
    // Delivering settled the claim: the next hit of that fingerprint posts, with the count held meanwhile.
    h.source.add(G, T0 + 11 * MIN, `ERROR one ${marker(1)}`);
    await h.tick(tickAt(3));
    expect(h.posted).toHaveLength(3);
    expect(text(h.posted[2])).toContain('*Still happening:* 1 more since');
  });

  it('never advances a cursor past hits whose alert was neither delivered nor stored', async () => {
    const h = harness([rule({ id: 'errors' })]);
    h.source.add(G, T0 - MIN, `ERROR one ${marker(1)}`);
    h.failNextPosts(1);
    const broken: StateStore = Object.assign(Object.create(h.store) as StateStore, {
      addPending: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    const r = await h.tick(tickAt(0), { store: broken });
    expect(r.summary.cursorsAdvanced).toBe(0);
    expect(r.summary.stateErrors?.join()).toContain('storing an undelivered Slack message');
    await h.tick(tickAt(1));
    expect(h.delivered()).toEqual(new Map([[marker(1), 1]]));
  });

  it('keeps scanning the other groups when one fails, lists it, and catches it up when it recovers', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    h.source.add('/aws/lambda/a', T0 - MIN, `ERROR a ${marker(1)}`);
    h.source.add('/aws/lambda/b', T0 - MIN, `ERROR b ${marker(2)}`);
    h.source.failing.set('/aws/lambda/a', Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    let r = await h.tick(tickAt(0));
    expect(r.summary.failures).toEqual([{ logGroup: '/aws/lambda/a', error: 'AccessDeniedException: User is not authorized' }]);
    expect(r.summary).toMatchObject({ groupsBehind: 1, backlogMinutes: 60 });
    expect([...h.delivered().keys()]).toEqual([marker(2)]);
    h.source.failing.clear();
    r = await h.tick(tickAt(1));
    expect(r.summary.failures).toEqual([]);
    expect(h.delivered()).toEqual(new Map([[marker(1), 1], [marker(2), 1]]));
  });

  it('reports the span it skips when a group is further behind than the lookback', async () => {
    const h = harness([rule({ id: 'errors' })], { lookbackMinutes: 30 });
    h.source.add(G, T0 - MIN, 'ERROR x');
    await h.tick(tickAt(0));
    h.source.failing.set(G, new Error('ServiceUnavailableException'));
    for (let k = 1; k <= 8; k++) await h.tick(tickAt(k));
    h.source.failing.clear();
    const r = await h.tick(tickAt(9));
    expect(r.summary.skippedWindows).toEqual([{ logGroup: G, from: '2026-11-23T12:00:00.000Z', to: '2026-11-23T12:15:00.000Z' }]);
    // Said out loud in Slack too, not only in the log line.
    expect(h.health.some((p) => text(p).includes('not scanned from 2026-11-23T12:00:00.000Z'))).toBe(true);
  });

  it('tells the ops channel about a growing backlog and a rule skipped by validation, once per realert window', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 60 });
    h.config.problems.push({ file: 'config/rules/x.yml', line: 3, col: 14, ruleId: 'broken', message: 'invalid regular expression' });
    h.source.add(G, T0 - MIN, 'ERROR x');
    await h.tick(tickAt(0));
    h.source.failing.set(G, Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    for (let k = 1; k <= 20; k++) await h.tick(tickAt(k));
    // Tick 0 reports the config problem; from tick 3 the group is more than two intervals behind.
    const notes = h.health.map(text);
    expect(notes.filter((t) => t.includes('x.yml:3:14: rule broken'))).toHaveLength(2); // ticks 0 and 12 (60 min later)
    const backlog = notes.filter((t) => t.includes('min behind'));
    expect(backlog.length).toBeGreaterThanOrEqual(1);
    expect(backlog.length).toBeLessThanOrEqual(2);
  });

  it('stops starting groups when time runs short; the next run continues and nothing is lost', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    for (let i = 0; i < 36; i++) h.source.add(`/aws/lambda/f${String(i).padStart(2, '0')}`, T0 - MIN, `ERROR ${marker(i)}`);
    h.source.latencyMs = 40;
    const first = await h.tick(tickAt(0), { deadlineInMs: 1_250 });
    expect(first.summary.stoppedEarly).toBe(true);
    expect(first.summary.groupsNotScanned).toBeGreaterThan(0);
    expect(first.summary.groupsBehind).toBeGreaterThan(0);
    const partly = h.delivered().size;
    expect(partly).toBeGreaterThan(0);
    expect(partly).toBeLessThan(36);
    h.source.latencyMs = 0;
    const second = await h.tick(tickAt(1));
    expect(second.summary.groupsBehind).toBe(0);
    expect([...h.delivered().values()]).toEqual(Array(36).fill(1));
  });

  it('lets only one of two overlapping runs work (the lease)', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    h.source.add(G, T0 - MIN, `ERROR ${marker(1)}`);
    const [a, b] = await Promise.all([h.tick(tickAt(0), { runId: 'a' }), h.tick(tickAt(0), { runId: 'b' })]);
    expect([a.summary.lease, b.summary.lease].sort()).toEqual(['acquired', 'held-elsewhere']);
    expect(h.delivered()).toEqual(new Map([[marker(1), 1]]));
  });

  it('posts each alert once even if two runs get past the lease (the claim)', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 0 });
    for (let i = 0; i < 5; i++) h.source.add(G, T0 - MIN + i, `ERROR ${marker(i)}`);
    const leaky = (store: MemoryStateStore): StateStore =>
      Object.assign(Object.create(store) as StateStore, { acquireLease: async () => ({ acquired: true }) });
    const [a, b] = await Promise.all([
      h.tick(tickAt(0), { runId: 'a', store: leaky(h.store) }),
      h.tick(tickAt(0), { runId: 'b', store: leaky(h.store) }),
    ]);
    expect([...h.delivered().values()]).toEqual(Array(5).fill(1));
    expect(a.summary.alerts + b.summary.alerts).toBe(5);
  });

  it('runs shards of a fanned-out scan side by side, each on its own groups and lease', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 30 });
    for (let i = 0; i < 12; i++) h.source.add(`/aws/lambda/f${i}`, T0 - MIN, `ERROR ${marker(i)}`);
    // The same error text in two groups of different shards: one alert, claimed once.
    h.source.add('/aws/lambda/f0', T0 - MIN, 'ERROR shared failure');
    h.source.add('/aws/lambda/f1', T0 - MIN, 'ERROR shared failure');
    const shard = (index: number) => ({ logGroupFilter: (g: string) => inShard(g, index, 3), leaseName: `shard-${index}-of-3` });
    const runs = await Promise.all([0, 1, 2].map((i) => h.tick(tickAt(0), { runId: `w${i}`, job: shard(i) })));
    expect(runs.map((r) => r.summary.lease)).toEqual(['acquired', 'acquired', 'acquired']);
    expect(runs.reduce((n, r) => n + r.summary.logGroups, 0)).toBe(12);
    expect([...h.delivered().values()]).toEqual(Array(12).fill(1));
    expect(inShard('/aws/lambda/f0', 0, 3) === inShard('/aws/lambda/f1', 0, 3) && inShard('/aws/lambda/f0', 1, 3) === inShard('/aws/lambda/f1', 1, 3)).toBe(false);
    // Posted by one shard; the other's hit is counted for the next "N more since" (suppressed or held by the claim).
    expect(h.posted.filter((p) => text(p).includes('shared failure'))).toHaveLength(1);
    expect(runs.reduce((n, r) => n + (r.summary.suppressed ?? 0), 0)).toBe(1);
  });

  it('keeps groupBy values apart across runs: one alert, one realert window per value', async () => {
    const h = harness([rule({ id: 'tenant-errors', pattern: /ERROR tenant=(?<tenant>\d+)/, groupBy: ['tenant'] })], { realertMinutes: 30 });
    h.source.add(G, T0 - 2 * MIN, 'ERROR tenant=1001 payment failed');
    h.source.add(G, T0 - MIN, 'ERROR tenant=2002 payment failed');
    let r = await h.tick(tickAt(0));
    expect(r.summary.alerts).toBe(2);
    h.source.add(G, T0 + MIN, 'ERROR tenant=1001 payment failed');
    r = await h.tick(tickAt(1));
    expect(r.summary).toMatchObject({ alerts: 0, suppressed: 1 });
    const states = [...h.store.fingerprints.values()];
    expect(states.map((st) => st.fingerprint).sort()).toEqual([expect.stringContaining('[tenant=1001]'), expect.stringContaining('[tenant=2002]')]);
    expect(states.find((st) => st.fingerprint.includes('1001'))?.sinceCount).toBe(1);
  });

  it('recovers what a run that died mid-post had claimed: nothing lost, posted once', async () => {
    const h = harness([rule({ id: 'errors' })], { realertMinutes: 30 });
    h.source.add(G, T0 - MIN, `ERROR ${marker(1)}`);
    const wall = 1_000_000;
    let claimed!: () => void;
    const reachedPost = new Promise<void>((resolve) => (claimed = resolve));
    // The Lambda is killed while posting: the promise never settles, nothing after it runs.
    void h.tick(tickAt(0), {
      runId: 'dies',
      job: { clock: () => wall, deadlineAt: wall + 10_000, post: () => (claimed(), new Promise(() => undefined)) },
    });
    await reachedPost;
    expect(h.store.leases.get('run')?.owner).toBe('dies');
    // The next tick, after the dead run's lease and claim expired.
    const r = await h.tick(tickAt(1), { runId: 'next', job: { clock: () => wall + 60_000 } });
    expect(r.summary).toMatchObject({ lease: 'acquired', alerts: 1 });
    expect(h.delivered()).toEqual(new Map([[marker(1), 1]]));
  });
});
