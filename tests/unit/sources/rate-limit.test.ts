import { ApiCallCounter, RateLimiter, TokenBucket, type Clock } from '../../../src/sources/rate-limit';

/** A virtual clock: sleep advances time instantly, so pacing is exact and the test takes no time. */
function virtualClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

test('a bucket spaces calls 1/tps apart, first come first served across concurrent callers', async () => {
  // Time stands still while they wait: every reservation is made at t = 0.
  const clock: Clock = { now: () => 0, sleep: async () => undefined };
  const bucket = new TokenBucket(5, 1, clock);
  const order: number[] = [];
  // Reservations are taken synchronously in call order, so waits are 0, 200, 400, ... whatever resolves first.
  const waits = await Promise.all(Array.from({ length: 6 }, (_, i) => bucket.acquire().then((w) => (order.push(i), w))));
  expect(waits).toEqual([0, 200, 400, 600, 800, 1000]);
  expect(order).toEqual([0, 1, 2, 3, 4, 5]);
});

test('N calls at R tps take (N-1)/R seconds: the quota floor, no faster and no slower', async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter({ FilterLogEvents: 5 }, { clock });
  for (let i = 0; i < 101; i++) await limiter.acquire('FilterLogEvents');
  expect(clock.t).toBeCloseTo(20_000, 6);
  await limiter.acquire('SomethingElse'); // unlimited
  expect(clock.t).toBeCloseTo(20_000, 6);
});

test('burst lets calls after an idle spell go back to back', async () => {
  const clock: Clock = { now: () => 10_000, sleep: async () => undefined };
  const bucket = new TokenBucket(2, 3, clock);
  const waits = await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire(), bucket.acquire()]);
  expect(waits).toEqual([0, 0, 0, 500]);
});

test('shards split the budget evenly', () => {
  const share = RateLimiter.shareOf({ FilterLogEvents: 5, StartQuery: 4 }, 4);
  expect(share.tpsOf('FilterLogEvents')).toBe(1.25);
  expect(share.tpsOf('StartQuery')).toBe(1);
});

test('the counter tallies calls, throttles and errors by API', () => {
  const c = new ApiCallCounter();
  c.record('FilterLogEvents', 'ok');
  c.record('FilterLogEvents', 'throttled');
  c.record('StartQuery', 'error');
  c.add('insightsQueries', 2);
  expect(c.toJSON()).toEqual({
    calls: { FilterLogEvents: 2, StartQuery: 1 },
    throttled: { FilterLogEvents: 1 },
    errors: { StartQuery: 1 },
    stats: { insightsQueries: 2 },
    total: 3,
  });
});
