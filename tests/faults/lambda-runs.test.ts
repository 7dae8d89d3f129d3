/** The Lambda itself: time running out mid-scan, and runs that overlap (parallel ticks, async retries, a slow tick). */
import { expectExactlyOnce, trackScenarios } from './scenario';

describe('faults: the Lambda run', () => {
  const { run } = trackScenarios();

  it('time running out mid-scan, mid-group, every run', async () => {
    const outcome = await run({
      name: 'time runs out mid-scan',
      seed: 505,
      groups: 8,
      hits: 48,
      ticks: 6,
      noisePerHit: 6,
      // Short pages with a nextToken (as AWS sends them) make groups take several pages: cuts land mid-group.
      emulator: { partialPageProbability: 0.6 },
      beforeTick: (_k, s) => s.stack.emulator.faults.set('FilterLogEvents', { latencyMs: 60 }),
      remainingMs: () => 1_400,
    });
    expectExactlyOnce(outcome);
    const runs = outcome.stack.summaries;
    expect(runs.filter((r) => r.stoppedEarly).length).toBeGreaterThanOrEqual(3);
    // Every short run finished inside the time the Lambda had.
    expect(Math.max(...runs.slice(0, 6).map((r) => r.durationMs))).toBeLessThan(1_400);
  });

  it('two invocations of every tick at once, then an async retry of it', async () => {
    const outcome = await run({
      name: 'parallel + retried ticks',
      seed: 606,
      groups: 8,
      hits: 40,
      ticks: 5,
      runTick: async (k, s, remainingMs) => {
        const pair = await Promise.all([s.tick(k, { remainingMs }), s.tick(k, { remainingMs })]);
        expect(pair.filter((r) => r.lease === 'acquired')).toHaveLength(1);
        await s.tick(k, { remainingMs }); // Lambda's async retry of the same event
      },
    });
    expectExactlyOnce(outcome);
  });

  it('a slow tick still running when the next one fires', async () => {
    const outcome = await run({
      name: 'slow tick overlaps next',
      seed: 707,
      groups: 8,
      hits: 40,
      ticks: 6,
      beforeTick: (k, s) => s.stack.emulator.faults.set('FilterLogEvents', { latencyMs: k % 2 === 0 ? 80 : 0 }),
      runTick: async (k, s) => {
        if (k % 2 === 1) return; // odd ticks fire while the even one is still running
        const slow = s.tick(k, { remainingMs: 5_000 });
        await new Promise((r) => setTimeout(r, 100));
        const next = await s.tick(k + 1, { remainingMs: 5_000 });
        expect(next.lease).toBe('held-elsewhere');
        await slow;
      },
    });
    expectExactlyOnce(outcome);
  });
});
