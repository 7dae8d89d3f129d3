import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  cloudWatchLogsClientFor,
  Emulator,
  EmulatorOptions,
  FILTER_LOG_EVENTS_TPS,
  startCloudWatchLogsEmulator,
} from '../support/cloudwatch-logs-emulator';

const opened: { emulator: Emulator; clients: CloudWatchLogsClient[] }[] = [];
async function start(options: EmulatorOptions = {}) {
  const emulator = await startCloudWatchLogsEmulator({ rngSeed: 11, ...options });
  emulator.seed('/g', 's', [{ timestamp: Date.now(), message: 'hello' }]);
  const entry = { emulator, clients: [] as CloudWatchLogsClient[] };
  opened.push(entry);
  const client = (opts: Parameters<typeof cloudWatchLogsClientFor>[1] = {}) => {
    const c = cloudWatchLogsClientFor(emulator, opts);
    entry.clients.push(c);
    return c;
  };
  return { emulator, client };
}
afterAll(async () => {
  for (const { emulator, clients } of opened) {
    clients.forEach((c) => c.destroy());
    await emulator.close();
  }
});

const filter = (logs: CloudWatchLogsClient) => logs.send(new FilterLogEventsCommand({ logGroupName: '/g' }));

test('an injected throttle surfaces as the SDK ThrottlingException when retries are off', async () => {
  const { emulator, client } = await start();
  emulator.faults.set('FilterLogEvents', { throttleNext: 1 });
  const error = await filter(client({ maxAttempts: 1 })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ThrottlingException);
  expect((error as ThrottlingException).message).toBe('Rate exceeded');
  expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(400);
  expect(emulator.throttled.FilterLogEvents).toBe(1);
});

test("the SDK's standard retry rides out a throttle and a 500, and every attempt is counted", async () => {
  const { emulator, client } = await start();
  const logs = client({ maxAttempts: 3 });
  emulator.faults.set('FilterLogEvents', { throttleNext: 1 });
  const out = await filter(logs);
  expect(out.events?.map((e) => e.message)).toEqual(['hello']);
  expect(out.$metadata.attempts).toBe(2);
  expect(emulator.calls.FilterLogEvents).toBe(2);

  emulator.faults.set('*', { errorNext: 1 });
  const again = await logs.send(new DescribeLogGroupsCommand({}));
  expect(again.$metadata.attempts).toBe(2);
  expect(emulator.calls.DescribeLogGroups).toBe(2);
});

test('errorNext answers HTTP 500 ServiceUnavailableException, a server fault', async () => {
  const { emulator, client } = await start();
  emulator.faults.set('*', { errorNext: 1 });
  const error = await filter(client({ maxAttempts: 1 })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceUnavailableException);
  expect((error as ServiceUnavailableException).$fault).toBe('server');
  expect((error as ServiceUnavailableException).$metadata.httpStatusCode).toBe(500);
});

test('a per-operation quota throttles the calls beyond its TPS, and only that operation', async () => {
  const { emulator, client } = await start({ quotas: { FilterLogEvents: FILTER_LOG_EVENTS_TPS } });
  const logs = client({ maxAttempts: 1 });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => filter(logs)));
  const rejected = results.filter((r) => r.status === 'rejected');
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(FILTER_LOG_EVENTS_TPS);
  expect(rejected).toHaveLength(3);
  expect(rejected.every((r) => (r as PromiseRejectedResult).reason instanceof ThrottlingException)).toBe(true);
  expect(emulator.calls.FilterLogEvents).toBe(8);
  expect(emulator.throttled.FilterLogEvents).toBe(3);
  await expect(logs.send(new DescribeLogGroupsCommand({}))).resolves.toBeDefined();

  await new Promise((r) => setTimeout(r, 450)); // the bucket refills at 5/s: at least 2 tokens back, not 4
  const after = await Promise.allSettled([filter(logs), filter(logs), filter(logs), filter(logs)]);
  const refilled = after.filter((r) => r.status === 'fulfilled').length;
  expect(refilled).toBeGreaterThanOrEqual(2);
  expect(refilled).toBeLessThan(4);
});

test('throttleRate is random but replays exactly from the same rngSeed', async () => {
  const pattern = async () => {
    const { emulator, client } = await start({ rngSeed: 42 });
    emulator.faults.set('FilterLogEvents', { throttleRate: 0.5 });
    const logs = client({ maxAttempts: 1 });
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(await filter(logs).then(() => 'ok', () => 'throttled'));
    return outcomes.join(',');
  };
  const first = await pattern();
  expect(first).toContain('ok');
  expect(first).toContain('throttled');
  expect(await pattern()).toBe(first);
});

test('latency delays answers, and a hang is escaped only by the client timeout', async () => {
  const { emulator, client } = await start();
  emulator.faults.set('FilterLogEvents', { latencyMs: 150 });
  const started = Date.now();
  await filter(client());
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);

  emulator.faults.set('FilterLogEvents', { hang: true });
  const error = await filter(client({ maxAttempts: 1, requestTimeoutMs: 200 })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('TimeoutError');
  emulator.faults.clear('FilterLogEvents');
  await expect(filter(client())).resolves.toBeDefined();
});

test('reset() clears data, counters and faults', async () => {
  const { emulator, client } = await start();
  emulator.faults.set('*', { throttleNext: 5 });
  await filter(client({ maxAttempts: 1 })).catch(() => undefined);
  emulator.reset();
  expect(emulator.calls).toEqual({});
  const out = await client({ maxAttempts: 1 }).send(new DescribeLogGroupsCommand({}));
  expect(out.logGroups).toEqual([]);
});
