import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { cloudWatchLogsClientFor, Emulator, startCloudWatchLogsEmulator } from '../support/cloudwatch-logs-emulator';

const NOW = Date.UTC(2025, 5, 1, 12);
const HOUR = 3_600_000;
let emulator: Emulator;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  emulator = await startCloudWatchLogsEmulator({ now: () => NOW, rngSeed: 3 });
  logs = cloudWatchLogsClientFor(emulator, { maxAttempts: 1 });
});
beforeEach(() => emulator.reset());
afterAll(async () => {
  logs.destroy();
  await emulator.close();
});

async function createStream(group: string, stream: string) {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((e: unknown) => {
    if (!(e instanceof ResourceAlreadyExistsException)) throw e;
  });
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
}

const put = (logEvents: { timestamp: number; message: string }[], group = '/g', stream = 's') =>
  logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));

describe('CreateLogGroup / CreateLogStream / DeleteLogGroup', () => {
  test('creating twice raises ResourceAlreadyExistsException; missing parents raise ResourceNotFoundException', async () => {
    await createStream('/g', 's');
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/g' }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await expect(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/g', logStreamName: 's' })),
    ).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/missing', logStreamName: 's' })),
    ).rejects.toThrow('The specified log group does not exist.');
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/g' }));
    await expect(logs.send(new DeleteLogGroupCommand({ logGroupName: '/g' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  test('validates log group names against the documented character set', async () => {
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});

describe('PutLogEvents', () => {
  beforeEach(() => createStream('/g', 's'));

  test('stores events readable through FilterLogEvents with eventId and ingestionTime assigned', async () => {
    const out = await put([
      { timestamp: NOW - 2000, message: 'one' },
      { timestamp: NOW - 1000, message: 'two' },
    ]);
    expect(out.rejectedLogEventsInfo).toBeUndefined();
    const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName: '/g' }));
    expect(events?.map((e) => [e.message, e.ingestionTime])).toEqual([
      ['one', NOW],
      ['two', NOW],
    ]);
    expect(events?.[0]?.eventId).not.toBe(events?.[1]?.eventId);
  });

  test('rejects a batch out of chronological order', async () => {
    await expect(
      put([
        { timestamp: NOW, message: 'b' },
        { timestamp: NOW - 1, message: 'a' },
      ]),
    ).rejects.toThrow('Log events in a single PutLogEvents request must be in chronological order.');
  });

  test('reports too-old and too-new events by index and keeps the rest', async () => {
    const out = await put([
      { timestamp: NOW - 15 * 24 * HOUR, message: 'too old' },
      { timestamp: NOW - HOUR, message: 'kept' },
      { timestamp: NOW + 3 * HOUR, message: 'too new' },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
    const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName: '/g' }));
    expect(events?.map((e) => e.message)).toEqual(['kept']);
  });

  test('enforces 10,000 events and 1,048,576 bytes (message UTF-8 bytes + 26 per event) per batch', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ timestamp: NOW - 10_001 + i, message: 'x' }));
    await expect(put(many)).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(put(many.slice(1))).resolves.toBeDefined();

    // 4 events of 262,118 bytes + 26 = exactly 1,048,576: accepted. One more byte (a 2-byte é) is not.
    const quarter = 'x'.repeat(262_118);
    const fits = Array.from({ length: 4 }, (_, i) => ({ timestamp: NOW - 10 + i, message: quarter }));
    await expect(put(fits)).resolves.toBeDefined();
    const over = [...fits.slice(0, 3), { timestamp: NOW, message: `${quarter.slice(1)}é` }];
    await expect(put(over)).rejects.toThrow('Upload too large: 1048577 bytes exceeds limit of 1048576');
  });

  test('rejects a batch spanning more than 24 hours', async () => {
    await expect(
      put([
        { timestamp: NOW - 25 * HOUR, message: 'a' },
        { timestamp: NOW, message: 'b' },
      ]),
    ).rejects.toThrow('cannot span more than 24 hours');
  });

  test('unknown stream raises ResourceNotFoundException', async () => {
    await expect(put([{ timestamp: NOW, message: 'x' }], '/g', 'nope')).rejects.toThrow(
      'The specified log stream does not exist.',
    );
  });
});

test('enforces a per-event cap when configured for the pre-2025 256 KB limit', async () => {
  const legacy = await startCloudWatchLogsEmulator({ now: () => NOW, maxEventBytes: 262_144 });
  const client = cloudWatchLogsClientFor(legacy, { maxAttempts: 1 });
  try {
    legacy.seed('/g', 's');
    const send = (message: string) =>
      client.send(new PutLogEventsCommand({ logGroupName: '/g', logStreamName: 's', logEvents: [{ timestamp: NOW, message }] }));
    await expect(send('x'.repeat(262_118))).resolves.toBeDefined();
    await expect(send('x'.repeat(262_119))).rejects.toThrow('Log event too large: 262145 bytes exceeds limit of 262144');
  } finally {
    client.destroy();
    await legacy.close();
  }
});

describe('DescribeLogStreams', () => {
  beforeEach(() => {
    emulator.seed('/g', 'b-stream', [{ timestamp: NOW - 100, message: 'x' }]);
    emulator.seed('/g', 'a-stream', [{ timestamp: NOW - 50, message: 'x' }]);
    emulator.seed('/g', 'c-stream', [{ timestamp: NOW - 300, message: 'x' }]);
  });

  test('orders by name (default) or by last event time, either direction, with event timestamps', async () => {
    const names = async (input: { orderBy?: 'LogStreamName' | 'LastEventTime'; descending?: boolean }) =>
      (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', ...input }))).logStreams?.map((s) => s.logStreamName);
    expect(await names({})).toEqual(['a-stream', 'b-stream', 'c-stream']);
    expect(await names({ descending: true })).toEqual(['c-stream', 'b-stream', 'a-stream']);
    expect(await names({ orderBy: 'LastEventTime', descending: true })).toEqual(['a-stream', 'b-stream', 'c-stream']);
    const out = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', logStreamNamePrefix: 'c-' }));
    expect(out.logStreams).toEqual([
      expect.objectContaining({ logStreamName: 'c-stream', firstEventTimestamp: NOW - 300, lastEventTimestamp: NOW - 300 }),
    ]);
  });

  test('refuses LastEventTime ordering with a prefix, and limits above 50', async () => {
    await expect(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', limit: 51 }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });

  test('paginates with nextToken', async () => {
    const first = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', limit: 2 }));
    const second = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/g', limit: 2, nextToken: first.nextToken }));
    expect(first.logStreams?.map((s) => s.logStreamName)).toEqual(['a-stream', 'b-stream']);
    expect(second.logStreams?.map((s) => s.logStreamName)).toEqual(['c-stream']);
    expect(second.nextToken).toBeUndefined();
  });
});

describe('GetLogEvents', () => {
  beforeEach(() => {
    emulator.seed('/g', 's', Array.from({ length: 10 }, (_, i) => ({ timestamp: NOW - 1000 + i, message: `m${i}` })));
  });
  const get = (input: { nextToken?: string; startFromHead?: boolean; limit?: number; startTime?: number; endTime?: number }) =>
    logs.send(new GetLogEventsCommand({ logGroupName: '/g', logStreamName: 's', ...input }));
  const messages = (out: { events?: { message?: string }[] }) => out.events?.map((e) => e.message);

  test('without startFromHead returns the newest events; the backward token walks to older ones', async () => {
    const tail = await get({ limit: 4 });
    expect(messages(tail)).toEqual(['m6', 'm7', 'm8', 'm9']);
    const older = await get({ limit: 4, nextToken: tail.nextBackwardToken });
    expect(messages(older)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  test('forward paging ends by handing back the same token', async () => {
    const head = await get({ startFromHead: true, limit: 6 });
    expect(messages(head)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const rest = await get({ limit: 6, nextToken: head.nextForwardToken });
    expect(messages(rest)).toEqual(['m6', 'm7', 'm8', 'm9']);
    const end = await get({ limit: 6, nextToken: rest.nextForwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(rest.nextForwardToken);
  });

  test('startTime is inclusive and endTime exclusive, as documented for GetLogEvents', async () => {
    expect(messages(await get({ startFromHead: true, startTime: NOW - 998, endTime: NOW - 995 }))).toEqual(['m2', 'm3', 'm4']);
  });
});
