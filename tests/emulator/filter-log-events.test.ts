import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  FilterLogEventsCommandInput,
  FilteredLogEvent,
  InvalidParameterException,
  paginateFilterLogEvents,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  cloudWatchLogsClientFor,
  Emulator,
  EmulatorOptions,
  startCloudWatchLogsEmulator,
} from '../support/cloudwatch-logs-emulator';

const T0 = Date.UTC(2025, 0, 1);
const GROUP = '/aws/lambda/busy';
const opened: { emulator: Emulator; logs: CloudWatchLogsClient }[] = [];

async function start(options: EmulatorOptions = {}) {
  const emulator = await startCloudWatchLogsEmulator({ rngSeed: 7, ...options });
  const logs = cloudWatchLogsClientFor(emulator, { maxAttempts: 1 });
  opened.push({ emulator, logs });
  return { emulator, logs };
}
afterAll(async () => {
  for (const { emulator, logs } of opened) {
    logs.destroy();
    await emulator.close();
  }
});

async function collect(logs: CloudWatchLogsClient, input: Omit<FilterLogEventsCommandInput, 'nextToken'>) {
  const events: FilteredLogEvent[] = [];
  const pageSizes: number[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs }, input)) {
    pageSizes.push(page.events?.length ?? 0);
    events.push(...(page.events ?? []));
  }
  return { events, pageSizes };
}

/** 3 streams × 4,000 events, interleaved: stream s writes at T0 + 3i + s. */
function seedBusyGroup(emulator: Emulator) {
  for (const s of [0, 1, 2]) {
    emulator.seed(
      GROUP,
      `stream-${s}`,
      Array.from({ length: 4000 }, (_, i) => ({ timestamp: T0 + 3 * i + s, message: `s${s} #${i} ${i % 10 === 0 ? 'ERROR' : 'INFO'}` })),
    );
  }
}

describe('across more than 10,000 events and several streams', () => {
  let logs: CloudWatchLogsClient;
  beforeAll(async () => {
    const started = await start();
    logs = started.logs;
    seedBusyGroup(started.emulator);
    started.emulator.seed('/other', 's', [{ timestamp: T0, message: 'other' }]);
  });

  test('pages at most 10,000 events (the default limit) and returns every event once, in timestamp order', async () => {
    const { events, pageSizes } = await collect(logs, { logGroupName: GROUP });
    expect(pageSizes).toEqual([10_000, 2_000]);
    expect(events).toHaveLength(12_000);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(12_000);
    const timestamps = events.map((e) => e.timestamp!);
    expect(timestamps).toEqual(Array.from({ length: 12_000 }, (_, i) => T0 + i));
    expect(events.slice(0, 3).map((e) => e.logStreamName)).toEqual(['stream-0', 'stream-1', 'stream-2']);
    expect(events[0]).toEqual({
      logStreamName: 'stream-0',
      timestamp: T0,
      message: 's0 #0 ERROR',
      ingestionTime: expect.any(Number),
      eventId: expect.stringMatching(/^\d{56}$/),
    });
  });

  test('honours a smaller limit per page', async () => {
    const { pageSizes } = await collect(logs, { logGroupName: GROUP, limit: 5000, startTime: T0, endTime: T0 + 11_999 });
    expect(pageSizes).toEqual([5000, 5000, 2000]);
  });

  test('startTime is inclusive and endTime inclusive by default, as the API reference documents', async () => {
    const { events } = await collect(logs, { logGroupName: GROUP, startTime: T0 + 100, endTime: T0 + 200 });
    expect(events[0]!.timestamp).toBe(T0 + 100);
    expect(events[events.length - 1]!.timestamp).toBe(T0 + 200);
    expect(events).toHaveLength(101);
  });

  test('logStreamNames and logStreamNamePrefix restrict the streams searched', async () => {
    const named = await collect(logs, { logGroupName: GROUP, logStreamNames: ['stream-1'] });
    expect(named.events).toHaveLength(4000);
    expect(new Set(named.events.map((e) => e.logStreamName))).toEqual(new Set(['stream-1']));
    const prefixed = await collect(logs, { logGroupName: GROUP, logStreamNamePrefix: 'stream-2' });
    expect(prefixed.events).toHaveLength(4000);
    await expect(
      logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: ['stream-1'], logStreamNamePrefix: 's' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('filter patterns: terms, phrases, ?OR and -exclusion', async () => {
    const count = async (filterPattern: string) => (await collect(logs, { logGroupName: GROUP, filterPattern })).events.length;
    expect(await count('ERROR')).toBe(1200);
    expect(await count('error')).toBe(0); // terms are case-sensitive
    expect(await count('ERROR s1')).toBe(400);
    expect(await count('"s1 #10 "')).toBe(1);
    expect(await count('?s1 ?s2')).toBe(8000);
    expect(await count('ERROR -s0')).toBe(800);
    expect(await count('%#1[0-9] ERROR$%')).toBe(3);
    await expect(
      logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.level = "ERROR" }' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('accepts the group ARN as logGroupIdentifier, but not together with logGroupName', async () => {
    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`;
    const out = await logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn, limit: 1 }));
    expect(out.events).toHaveLength(1);
    await expect(
      logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn, logGroupName: GROUP })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('rejects unknown groups and tokens from another group', async () => {
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const { nextToken } = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 1 }));
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/other', nextToken }))).rejects.toThrow(
      'The specified nextToken is invalid.',
    );
    await expect(
      logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, nextToken: `${nextToken}A` })),
    ).rejects.toThrow('The specified nextToken is invalid.');
  });
});

test('caps a page at about 1 MB of messages even below the event limit', async () => {
  const { emulator, logs } = await start();
  const big = 'x'.repeat(100_000);
  emulator.seed('/big', 's', Array.from({ length: 25 }, (_, i) => ({ timestamp: T0 + i, message: `${i} ${big}` })));
  const { events, pageSizes } = await collect(logs, { logGroupName: '/big' });
  expect(events).toHaveLength(25);
  expect(pageSizes).toEqual([10, 10, 5]);
});

test("endTime can be emulated as exclusive (the behaviour reported in aws/aws-cli#4262)", async () => {
  const { emulator, logs } = await start({ filterEndTime: 'exclusive' });
  emulator.seed('/g', 's', [100, 199, 200].map((t) => ({ timestamp: T0 + t, message: `at ${t}` })));
  const { events } = await collect(logs, { logGroupName: '/g', startTime: T0 + 100, endTime: T0 + 200 });
  expect(events.map((e) => e.message)).toEqual(['at 100', 'at 199']);
});

test('partial and empty pages still carry a nextToken, and the paginator still gets every event', async () => {
  const { emulator, logs } = await start({ partialPageProbability: 0.6 });
  seedBusyGroup(emulator);
  const { events, pageSizes } = await collect(logs, { logGroupName: GROUP, limit: 1000 });
  expect(events.map((e) => e.timestamp)).toEqual(Array.from({ length: 12_000 }, (_, i) => T0 + i));
  expect(pageSizes.some((n) => n < 1000)).toBe(true);
  expect(pageSizes.length).toBeGreaterThan(12);
});

test('events stay invisible until their ingestionTime (late ingestion)', async () => {
  let now = T0 + 60_000;
  const { emulator, logs } = await start({ now: () => now, ingestionDelayMs: 30_000 });
  emulator.seed('/late', 's', [{ timestamp: T0, message: 'on time' }]);
  emulator.seed('/late', 's', [{ timestamp: T0 + 1, message: 'late', ingestionTime: T0 + 5 * 60_000 }]);
  const read = async () => (await collect(logs, { logGroupName: '/late' })).events.map((e) => e.message);

  expect(await read()).toEqual([]);
  now = T0 + 90_000;
  expect(await read()).toEqual(['on time']);
  now = T0 + 5 * 60_000;
  expect(await read()).toEqual(['on time', 'late']);
});
