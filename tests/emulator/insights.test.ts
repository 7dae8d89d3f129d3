import {
  CloudWatchLogsClient,
  DescribeQueriesCommand,
  GetLogRecordCommand,
  GetQueryResultsCommand,
  GetQueryResultsCommandOutput,
  InvalidParameterException,
  LimitExceededException,
  MalformedQueryException,
  ResourceNotFoundException,
  StartQueryCommand,
  StartQueryCommandInput,
  StopQueryCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { cloudWatchLogsClientFor, Emulator, EmulatorOptions, startCloudWatchLogsEmulator } from '../support/cloudwatch-logs-emulator';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const opened: { emulator: Emulator; logs: CloudWatchLogsClient }[] = [];

async function start(options: EmulatorOptions = {}) {
  const emulator = await startCloudWatchLogsEmulator({ rngSeed: 5, ...options, insights: { queryDelayMs: 0, ...options.insights } });
  const logs = cloudWatchLogsClientFor(emulator, { maxAttempts: 1 });
  opened.push({ emulator, logs });
  emulator.seed('/aws/lambda/a', 's1', [
    { timestamp: T0 + 1, message: 'INFO start' },
    { timestamp: T0 + 2, message: 'ERROR boom' },
    { timestamp: T0 + 1500, message: 'Task timed out after 3.00 seconds' },
  ]);
  emulator.seed('/aws/lambda/b', 's2', [{ timestamp: T0 + 3, message: 'error: lower case' }]);
  return { emulator, logs };
}
afterAll(async () => {
  for (const { emulator, logs } of opened) {
    logs.destroy();
    await emulator.close();
  }
});

const base = (over: Partial<StartQueryCommandInput> = {}): StartQueryCommandInput => ({
  logGroupNames: ['/aws/lambda/a', '/aws/lambda/b'],
  startTime: T0 / 1000,
  endTime: T0 / 1000 + 60,
  queryString: 'fields @timestamp, @message, @logStream, @log | sort @timestamp asc | limit 100',
  ...over,
});

async function run(logs: CloudWatchLogsClient, input: StartQueryCommandInput): Promise<GetQueryResultsCommandOutput> {
  const { queryId } = await logs.send(new StartQueryCommand(input));
  for (;;) {
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (out.status !== 'Scheduled' && out.status !== 'Running') return out;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const rowsOf = (out: GetQueryResultsCommandOutput) =>
  (out.results ?? []).map((row) => Object.fromEntries(row.map((f) => [f.field, f.value])));

test('a query returns rows of {field, value} with @ptr, @log as account:group, and statistics', async () => {
  const { emulator, logs } = await start();
  const out = await run(logs, base());
  expect(out.status).toBe('Complete');
  const rows = rowsOf(out);
  expect(rows.map((r) => r['@message'])).toEqual(['INFO start', 'ERROR boom', 'error: lower case', 'Task timed out after 3.00 seconds']);
  expect(rows[0]).toMatchObject({ '@timestamp': '2025-01-01 12:00:00.001', '@logStream': 's1', '@log': `${emulator.accountId}:/aws/lambda/a` });
  expect(rows.every((r) => typeof r['@ptr'] === 'string' && r['@ptr'].length > 0)).toBe(true);
  expect(out.statistics).toMatchObject({ recordsMatched: 4, recordsScanned: 4 });
  expect(out.statistics!.bytesScanned).toBe(['INFO start', 'ERROR boom', 'Task timed out after 3.00 seconds', 'error: lower case'].join('').length);
});

test('filter with like /regex/ (inline (?i)), like "text", or, and; sort desc; limit', async () => {
  const { logs } = await start();
  const re = await run(logs, base({ queryString: 'fields @message | filter @message like /(?i)error/ or @message like "timed out" | sort @timestamp desc' }));
  expect(rowsOf(re).map((r) => r['@message'])).toEqual(['Task timed out after 3.00 seconds', 'error: lower case', 'ERROR boom']);
  const both = await run(logs, base({ queryString: 'fields @message | filter @message like /ERROR/ and @logStream = "s1"' }));
  expect(rowsOf(both).map((r) => r['@message'])).toEqual(['ERROR boom']);
  const limited = await run(logs, base({ queryString: 'fields @message | sort @timestamp asc | limit 2' }));
  expect(rowsOf(limited)).toHaveLength(2);
  expect(limited.statistics!.recordsMatched).toBe(4);
});

test('startTime and endTime are whole seconds, both inclusive', async () => {
  const { logs } = await start();
  // T0+1500 ms lies inside second T0/1000+1: an end of T0/1000 + 1 includes it, T0/1000 does not.
  const one = await run(logs, base({ endTime: T0 / 1000 }));
  expect(rowsOf(one)).toHaveLength(3);
  const two = await run(logs, base({ endTime: T0 / 1000 + 1 }));
  expect(rowsOf(two)).toHaveLength(4);
});

test('the filter regex accepts \\x{…} code points and rejects non-portable syntax as MalformedQueryException', async () => {
  const { logs } = await start();
  const ok = await run(logs, base({ queryString: 'fields @message | filter @message like /ERROR[\\x{A0} ]boom/' }));
  expect(rowsOf(ok).map((r) => r['@message'])).toEqual(['ERROR boom']);
  for (const bad of ['(?<=E)RROR', '(E)\\1', '(?<n>E)', '\\u0045', 'filter', 'fields @message | stats count(*)']) {
    const queryString = bad.includes(' ') || bad === 'filter' ? bad : `filter @message like /${bad}/`;
    await expect(logs.send(new StartQueryCommand(base({ queryString })))).rejects.toBeInstanceOf(MalformedQueryException);
  }
});

test('more than 50 log groups is InvalidParameterException; an unknown group is ResourceNotFoundException', async () => {
  const { emulator, logs } = await start();
  const names = Array.from({ length: 51 }, (_, i) => `/g/${i}`);
  names.forEach((n) => emulator.seed(n));
  const err = await logs.send(new StartQueryCommand(base({ logGroupNames: names }))).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidParameterException);
  expect((err as Error).message).toMatch(/Member must have length less than or equal to 50/);
  await expect(logs.send(new StartQueryCommand(base({ logGroupNames: names.slice(0, 50) })))).resolves.toHaveProperty('queryId');
  await expect(logs.send(new StartQueryCommand(base({ logGroupNames: ['/nope'] })))).rejects.toBeInstanceOf(ResourceNotFoundException);
  await expect(logs.send(new StartQueryCommand(base({ logGroupName: '/aws/lambda/a' })))).rejects.toBeInstanceOf(InvalidParameterException);
  await expect(logs.send(new StartQueryCommand(base({ startTime: T0 / 1000 + 10, endTime: T0 / 1000 })))).rejects.toBeInstanceOf(
    InvalidParameterException,
  );
});

test('the concurrent query limit answers LimitExceededException until a query completes or is stopped', async () => {
  const { emulator, logs } = await start({ insights: { queryDelayMs: 60_000, maxConcurrentQueries: 2 } });
  const a = await logs.send(new StartQueryCommand(base()));
  await logs.send(new StartQueryCommand(base()));
  const err = await logs.send(new StartQueryCommand(base())).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LimitExceededException);
  expect((err as Error).message).toBe('Account maximum query concurrency limit of [2] reached.');
  const running = await logs.send(new GetQueryResultsCommand({ queryId: a.queryId }));
  expect(['Scheduled', 'Running']).toContain(running.status);
  await expect(logs.send(new StopQueryCommand({ queryId: a.queryId }))).resolves.toMatchObject({ success: true });
  expect((await logs.send(new GetQueryResultsCommand({ queryId: a.queryId }))).status).toBe('Cancelled');
  await expect(logs.send(new StartQueryCommand(base()))).resolves.toHaveProperty('queryId');
  await expect(logs.send(new StopQueryCommand({ queryId: a.queryId }))).rejects.toBeInstanceOf(InvalidParameterException);
  expect(emulator.insights.peakConcurrent).toBe(2);
  const listed = await logs.send(new DescribeQueriesCommand({ status: 'Cancelled' }));
  expect(listed.queries?.map((q) => q.queryId)).toEqual([a.queryId]);
});

test('limit is capped at 10,000 and results page by nextToken when a larger cap is emulated', async () => {
  const { emulator, logs } = await start({ insights: { maxQueryLimit: 100_000 } });
  emulator.seed('/big', 's', Array.from({ length: 12_000 }, (_, i) => ({ timestamp: T0 + i, message: `line ${i}` })));
  const out = await run(logs, base({ logGroupNames: ['/big'], queryString: 'fields @message | sort @timestamp asc', limit: 12_000 }));
  expect(out.results).toHaveLength(10_000);
  expect(out.nextToken).toBeDefined();
  const rest = await logs.send(new GetQueryResultsCommand({ queryId: (await logs.send(new DescribeQueriesCommand({}))).queries![0]!.queryId!, nextToken: out.nextToken }));
  expect(rest.results).toHaveLength(2_000);

  const classic = await start();
  await expect(classic.logs.send(new StartQueryCommand(base({ limit: 10_001 })))).rejects.toBeInstanceOf(InvalidParameterException);
});

test('GetLogRecord resolves @ptr to the whole message even when result values are truncated', async () => {
  const { emulator, logs } = await start({ insights: { maxFieldChars: 10 } });
  emulator.seed('/long', 's', [{ timestamp: T0, message: `ERROR ${'x'.repeat(50)} tail` }]);
  const out = await run(logs, base({ logGroupNames: ['/long'], queryString: 'fields @message' }));
  const [row] = rowsOf(out);
  expect(row!['@message']).toHaveLength(10);
  const record = await logs.send(new GetLogRecordCommand({ logRecordPointer: row!['@ptr'] }));
  expect(record.logRecord?.['@message']).toBe(`ERROR ${'x'.repeat(50)} tail`);
});

test('per-API quotas throttle StartQuery and GetQueryResults and every call is counted', async () => {
  const { emulator, logs } = await start({ quotas: { StartQuery: 2, GetQueryResults: 3 } });
  const starts = await Promise.allSettled(Array.from({ length: 4 }, () => logs.send(new StartQueryCommand(base()))));
  expect(starts.filter((s) => s.status === 'rejected' && s.reason instanceof ThrottlingException)).toHaveLength(2);
  expect(emulator.calls.StartQuery).toBe(4);
  expect(emulator.throttled.StartQuery).toBe(2);
});

test('a query can end Failed or Timeout', async () => {
  const { logs } = await start({ insights: { outcome: (q) => (q.logGroups.includes('/aws/lambda/b') ? 'Failed' : 'Timeout') } });
  expect((await run(logs, base())).status).toBe('Failed');
  expect((await run(logs, base({ logGroupNames: ['/aws/lambda/a'] }))).status).toBe('Timeout');
});
