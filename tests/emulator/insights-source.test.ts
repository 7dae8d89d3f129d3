import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DEFAULT_SETTINGS, type Config, type Rule } from '../../src/config/types';
import { matchEvent } from '../../src/matching';
import { scan } from '../../src/scan';
import { CloudWatchSource, type LogEvent, type LogSource } from '../../src/sources';
import { hintReads, InsightsSource, type InsightsSourceOptions } from '../../src/sources/insights';
import { ApiCallCounter, RateLimiter } from '../../src/sources/rate-limit';
import { cloudWatchLogsClientFor, Emulator, EmulatorOptions, startCloudWatchLogsEmulator } from '../support/cloudwatch-logs-emulator';
import { rule } from '../unit/pipeline/rules';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const WINDOW = { startMs: T0, endMs: T0 + 5 * 60_000 };
const opened: { emulator: Emulator; logs: CloudWatchLogsClient[] }[] = [];

async function start(options: EmulatorOptions = {}) {
  const emulator = await startCloudWatchLogsEmulator({ rngSeed: 3, ...options, insights: { queryDelayMs: 10, ...options.insights } });
  const entry = { emulator, logs: [] as CloudWatchLogsClient[] };
  opened.push(entry);
  const client = () => {
    const c = cloudWatchLogsClientFor(emulator, { maxAttempts: 3 });
    entry.logs.push(c);
    return c;
  };
  return { emulator, client };
}
afterAll(async () => {
  for (const { emulator, logs } of opened) {
    logs.forEach((l) => l.destroy());
    await emulator.close();
  }
});

const FAST: InsightsSourceOptions = { pollInitialMs: 5, pollMaxMs: 20 };
const config = (rules: Rule[]): Config => ({ settings: DEFAULT_SETTINGS, rules, problems: [] });
const RULES = [
  rule({ id: 'timeout', pattern: /Task timed out after (?<seconds>\d+(?:\.\d+)?) seconds/ }),
  rule({ id: 'error', pattern: /\tERROR\t/ }),
  rule({ id: 'oom', pattern: /out of memory/i }),
];

/** Groups with a mix of quiet lines and hits, some outside the window. */
function seedGroups(emulator: Emulator, n: number, perGroup = 6) {
  for (let g = 0; g < n; g++) {
    const name = `/aws/lambda/fn-${String(g).padStart(3, '0')}`;
    const events = Array.from({ length: perGroup }, (_, i) => ({
      timestamp: T0 - 30_000 + i * 61_000 + g,
      message: i % 3 === 0 ? `2025-01-01T12:00:00Z\treq-${g}-${i}\tERROR\tboom ${g}` : i % 3 === 1 ? `REPORT RequestId: ${g}-${i}` : `Task timed out after ${g}.00 seconds`,
    }));
    events.push({ timestamp: T0 + 1000 + g, message: `FATAL: JavaScript heap Out Of Memory in ${g}` });
    emulator.seed(name, 'stream', events);
  }
}

const hitKeys = (result: Awaited<ReturnType<typeof scan>>) =>
  result.alerts
    .flatMap((a) => [`${a.rule.id}|${a.sample.logGroup}|${a.count}`])
    .sort();

async function scanWith(source: LogSource, rules = RULES) {
  return scan(config(rules), source, WINDOW);
}

test('batches ≤ 50 groups per query and finds exactly the hits FilterLogEvents finds', async () => {
  const { emulator, client } = await start();
  seedGroups(emulator, 120);
  const reference = await scanWith(new CloudWatchSource(client()));
  const before = emulator.calls.FilterLogEvents;
  const source = new InsightsSource(client(), RULES, FAST);
  const result = await scanWith(source);
  expect(hitKeys(result)).toEqual(hitKeys(reference));
  expect(result.hits).toBe(reference.hits);
  expect(result.failures).toEqual([]);
  expect(emulator.calls.StartQuery).toBe(3); // 50 + 50 + 20
  expect(emulator.calls.FilterLogEvents).toBe(before);
  for (const q of emulator.insights.queries.values()) expect(q.logGroups.length).toBeLessThanOrEqual(50);
  expect(source.counter.stats.insightsQueries).toBe(3);
});

test('a query that hits the row cap is split in halves until nothing is truncated', async () => {
  const { emulator, client } = await start();
  // 250 hits over 5 minutes, and 30 hits inside one single second.
  emulator.seed('/aws/lambda/chatty', 's', [
    ...Array.from({ length: 250 }, (_, i) => ({ timestamp: T0 + i * 1000, message: `\tERROR\tn${i}` })),
    ...Array.from({ length: 30 }, (_, i) => ({ timestamp: T0 + 260_000 + i, message: `\tERROR\tburst${i}` })),
  ]);
  const source = new InsightsSource(client(), RULES, { ...FAST, rowCap: 20 });
  const events: LogEvent[] = [];
  await source.resolveLogGroups(['/aws/lambda/*']);
  for await (const page of source.readEvents('/aws/lambda/chatty', WINDOW.startMs, WINDOW.endMs)) events.push(...page);
  expect(events).toHaveLength(280);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(280);
  expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort((a, b) => a - b));
  expect(source.counter.stats.insightsRowCapSplits).toBeGreaterThan(5);
  // The one-second burst exceeds the cap on its own: that second is read with FilterLogEvents.
  expect(source.counter.stats.insightsRowCapFallbacks).toBe(1);
  expect(emulator.calls.FilterLogEvents).toBeGreaterThanOrEqual(1);
});

test('a batch whose rules do not translate safely is read with FilterLogEvents, with the same results', async () => {
  const { emulator, client } = await start();
  seedGroups(emulator, 5);
  emulator.seed('/aws/lambda/fn-000', 'other', [{ timestamp: T0 + 5, message: 'retry retry failed' }]);
  const rules = [...RULES, rule({ id: 'backref', pattern: /\b(\w+) \1\b/ })];
  const reference = await scanWith(new CloudWatchSource(client()), rules);
  const filterCalls = emulator.calls.FilterLogEvents ?? 0;
  const source = new InsightsSource(client(), rules, FAST);
  const result = await scanWith(source, rules);
  expect(hitKeys(result)).toEqual(hitKeys(reference));
  expect(hitKeys(result).some((k) => k.startsWith('backref|'))).toBe(true);
  expect(emulator.calls.StartQuery).toBeUndefined();
  expect(emulator.calls.FilterLogEvents! - filterCalls).toBe(5);
  expect(source.counter.stats.filterBatchesPlanned).toBe(1);
});

test('never more queries in flight than maxConcurrentQueries', async () => {
  const { emulator, client } = await start({ insights: { queryDelayMs: 30 } });
  seedGroups(emulator, 40, 2);
  const source = new InsightsSource(client(), RULES, { ...FAST, groupsPerQuery: 4, maxConcurrentQueries: 3 });
  const result = await scanWith(source);
  expect(emulator.calls.StartQuery).toBe(10);
  expect(emulator.insights.peakConcurrent).toBe(3);
  expect(result.failures).toEqual([]);
});

test('polls each query about once after the first has shown how long queries take', async () => {
  const { emulator, client } = await start({ insights: { queryDelayMs: 120 } });
  seedGroups(emulator, 40, 2);
  const source = new InsightsSource(client(), RULES, { pollInitialMs: 10, pollMaxMs: 100, groupsPerQuery: 4, maxConcurrentQueries: 1 });
  const result = await scanWith(source);
  expect(result.failures).toEqual([]);
  const queries = emulator.calls.StartQuery!;
  expect(queries).toBe(10);
  // The first query is polled with backoff until done (~5 polls); the other nine wait out the latency seen.
  expect(emulator.calls.GetQueryResults!).toBeLessThanOrEqual(queries + 6);
});

test("waits out LimitExceededException while other people's queries fill the account", async () => {
  const { emulator, client } = await start({ insights: { queryDelayMs: 10, maxConcurrentQueries: 1 } });
  seedGroups(emulator, 2);
  const other = client();
  const { StartQueryCommand, StopQueryCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  emulator.insights.options.queryDelayMs = (q) => (q.queryString === 'fields @message' ? 60_000 : 10);
  const { queryId } = await other.send(
    new StartQueryCommand({ logGroupName: '/aws/lambda/fn-000', startTime: 0, endTime: 1, queryString: 'fields @message' }),
  );
  // The other query ends only after the source has been refused once.
  const release = (async () => {
    while ((emulator.calls.StartQuery ?? 0) < 2) await new Promise((r) => setTimeout(r, 5));
    await other.send(new StopQueryCommand({ queryId }));
  })();
  const source = new InsightsSource(client(), RULES, FAST);
  const result = await scanWith(source);
  await release;
  expect(result.failures).toEqual([]);
  expect(result.hits).toBeGreaterThan(0);
  // The SDK retries LimitExceededException as a throttle; the source's own wait loop backs that up.
  expect(source.counter.throttled.StartQuery).toBeGreaterThanOrEqual(1);
  expect(source.counter.stats.insightsFallbackGroups).toBeUndefined();
});

test('event ids are @ptr values, stable across queries, and events outside the window are dropped', async () => {
  const { emulator, client } = await start();
  seedGroups(emulator, 1);
  const read = async () => {
    const source = new InsightsSource(client(), RULES, FAST);
    const events: LogEvent[] = [];
    for await (const page of source.readEvents('/aws/lambda/fn-000', T0, T0 + 120_000)) events.push(...page);
    return events;
  };
  const a = await read();
  const b = await read();
  expect(a.map((e) => e.eventId)).toEqual(b.map((e) => e.eventId));
  expect(a.every((e) => e.timestamp >= T0 && e.timestamp < T0 + 120_000)).toBe(true);
  expect(a.length).toBeGreaterThan(0);
});

test('a Failed query falls back to FilterLogEvents for its groups', async () => {
  const { emulator, client } = await start({ insights: { outcome: () => 'Failed' } });
  seedGroups(emulator, 3);
  const reference = await scanWith(new CloudWatchSource(client()));
  const source = new InsightsSource(client(), RULES, FAST);
  const result = await scanWith(source);
  expect(hitKeys(result)).toEqual(hitKeys(reference));
  expect(source.counter.stats.insightsFallbackGroups).toBe(3);
});

test('a deleted group fails alone: the batch is halved until the missing group is isolated', async () => {
  const { emulator, client } = await start();
  seedGroups(emulator, 6);
  const source = new InsightsSource(client(), RULES, FAST);
  const groups = await source.resolveLogGroups(['/aws/lambda/*']);
  emulator.store.deleteGroup('/aws/lambda/fn-003');
  const seen = new Map<string, number | string>();
  for (const g of groups) {
    try {
      let n = 0;
      for await (const page of source.readEvents(g, WINDOW.startMs, WINDOW.endMs)) n += page.filter((e) => matchEvent(RULES, e).length).length;
      seen.set(g, n);
    } catch (err) {
      seen.set(g, (err as Error).name);
    }
  }
  expect(seen.get('/aws/lambda/fn-003')).toBe('ResourceNotFoundException');
  expect([...seen.values()].filter((v) => typeof v === 'number' && v > 0)).toHaveLength(5);
});

test('long messages Insights may have cut are re-read whole with GetLogRecord', async () => {
  const { emulator, client } = await start({ insights: { maxFieldChars: 40 } });
  const long = `\tERROR\t${'x'.repeat(100)} Task timed out after 9.00 seconds`;
  emulator.seed('/aws/lambda/long', 's', [{ timestamp: T0 + 1, message: long }]);
  const source = new InsightsSource(client(), RULES, { ...FAST, truncatedMessageChars: 40 });
  const result = await scanWith(source);
  expect(result.alerts.map((a) => a.rule.id).sort()).toEqual(['error', 'timeout']);
  expect(emulator.calls.GetLogRecord).toBe(1);
});

test('with read hints, groups read with different windows are batched per window', async () => {
  const { emulator, client } = await start();
  seedGroups(emulator, 4);
  const source = new InsightsSource(client(), RULES, FAST);
  const reads = [
    { logGroup: '/aws/lambda/fn-000', startMs: T0, endMs: T0 + 60_000 },
    { logGroup: '/aws/lambda/fn-001', startMs: T0, endMs: T0 + 60_000 },
    { logGroup: '/aws/lambda/fn-002', startMs: T0 - 600_000, endMs: T0 + 60_000 },
    { logGroup: '/aws/lambda/fn-003', startMs: T0 - 600_000, endMs: T0 + 60_000 },
  ];
  hintReads(source, reads);
  const counts: number[] = [];
  for (const r of reads) {
    let n = 0;
    for await (const page of source.readEvents(r.logGroup, r.startMs, r.endMs)) n += page.length;
    counts.push(n);
  }
  expect(emulator.calls.StartQuery).toBe(2);
  expect(counts[2]).toBeGreaterThan(counts[0]!);
});

test('paced by the limiter, a run against the same quotas is never throttled', async () => {
  const quotas = { StartQuery: 5, GetQueryResults: 5, DescribeLogGroups: 5 };
  const { emulator, client } = await start({ quotas, insights: { queryDelayMs: 5 } });
  seedGroups(emulator, 30, 2);
  const counter = new ApiCallCounter();
  const source = new InsightsSource(client(), RULES, { ...FAST, groupsPerQuery: 5, limiter: new RateLimiter(quotas), counter });
  const result = await scanWith(source);
  expect(result.failures).toEqual([]);
  expect(emulator.throttled).toEqual({});
  expect(counter.calls.StartQuery).toBe(6);
  expect(counter.calls.GetQueryResults).toBe(emulator.calls.GetQueryResults);
  expect(counter.calls.DescribeLogGroups).toBe(emulator.calls.DescribeLogGroups);
});

test('AutoSource: plans the engine from the resolved groups, reads only its shard, same hits either way', async () => {
  const { AutoSource } = await import('../../src/sources/insights');
  const { DEFAULT_SCALE_SETTINGS } = await import('../../src/sources/planner');
  const { inShard } = await import('../../src/sources/shard');
  const { emulator, client } = await start();
  seedGroups(emulator, 60);
  const reference = await scanWith(new CloudWatchSource(client()));
  const auto = (engine: 'filter' | 'insights', shard?: { index: number; count: number }) =>
    new AutoSource(client(), RULES, {
      // Fast quotas: this test is about routing, not pacing.
      settings: { ...DEFAULT_SCALE_SETTINGS, engine, tps: { DescribeLogGroups: 300, FilterLogEvents: 300, StartQuery: 300, GetQueryResults: 300 } },
      intervalMs: 300_000,
      ...(shard ? { shard } : {}),
      insights: FAST,
    });
  const viaInsights = auto('insights');
  expect(hitKeys(await scanWith(viaInsights))).toEqual(hitKeys(reference));
  expect(viaInsights.decision).toMatchObject({ engine: 'insights', forced: true });
  expect(viaInsights.counter.calls.StartQuery).toBe(2);

  const shards = [0, 1, 2].map((index) => auto('filter', { index, count: 3 }));
  const results = [];
  for (const s of shards) results.push(await scanWith(s));
  expect(results.reduce((n, r) => n + r.logGroups, 0)).toBe(60);
  expect(results.reduce((n, r) => n + r.hits, 0)).toBe(reference.hits);
  const groups = await new CloudWatchSource(client()).resolveLogGroups(['/aws/lambda/*']);
  expect(results[1]!.logGroups).toBe(groups.filter((g) => inShard(g, 1, 3)).length);
  expect(shards[0]!.limiter.tpsOf('FilterLogEvents')).toBeCloseTo(100);
});
