import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  InvalidParameterException,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { cloudWatchLogsClientFor, Emulator, startCloudWatchLogsEmulator } from '../support/cloudwatch-logs-emulator';

let emulator: Emulator;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  emulator = await startCloudWatchLogsEmulator({ rngSeed: 1 });
  logs = cloudWatchLogsClientFor(emulator, { maxAttempts: 1 });
  for (let i = 0; i < 120; i++) emulator.seed(`/aws/lambda/orders-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < 7; i++) emulator.seed(`/aws/lambda/Payments-${i}`);
  emulator.seed('/ecs/web');
});
afterAll(async () => {
  logs.destroy();
  await emulator.close();
});

async function allNames(input: { logGroupNamePrefix?: string; logGroupNamePattern?: string; limit?: number }) {
  const names: string[] = [];
  let pages = 0;
  for await (const page of paginateDescribeLogGroups({ client: logs }, input)) {
    pages++;
    names.push(...(page.logGroups ?? []).map((g) => g.logGroupName!));
  }
  return { names, pages };
}

test('pages 50 groups at a time (the default and maximum) in ASCII order until exhausted', async () => {
  const first = await logs.send(new DescribeLogGroupsCommand({}));
  expect(first.logGroups).toHaveLength(50);
  expect(first.nextToken).toEqual(expect.any(String));

  const { names, pages } = await allNames({});
  expect(names).toHaveLength(128);
  expect(pages).toBe(3);
  expect(names).toEqual([...names].sort());
  expect(names[0]).toBe('/aws/lambda/Payments-0'); // 'P' sorts before 'o' in ASCII
});

test('returns the documented fields for each group', async () => {
  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
  expect(out.logGroups).toEqual([
    expect.objectContaining({
      logGroupName: '/ecs/web',
      arn: `arn:aws:logs:${emulator.region}:${emulator.accountId}:log-group:/ecs/web:*`,
      logGroupArn: `arn:aws:logs:${emulator.region}:${emulator.accountId}:log-group:/ecs/web`,
      creationTime: expect.any(Number),
      storedBytes: 0,
      metricFilterCount: 0,
    }),
  ]);
  expect(out.nextToken).toBeUndefined();
});

test('logGroupNamePrefix filters across pages', async () => {
  const { names, pages } = await allNames({ logGroupNamePrefix: '/aws/lambda/orders-', limit: 50 });
  expect(names).toHaveLength(120);
  expect(pages).toBe(3);
  expect(names.every((n) => n.startsWith('/aws/lambda/orders-'))).toBe(true);
});

test('logGroupNamePattern is a case-sensitive substring match and trims the fields', async () => {
  const { names } = await allNames({ logGroupNamePattern: 'rders-1', limit: 7 });
  expect(names).toHaveLength(20); // orders-100..orders-119
  expect((await allNames({ logGroupNamePattern: 'payments' })).names).toEqual([]);
  expect((await allNames({ logGroupNamePattern: 'Payments' })).names).toHaveLength(7);

  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'web' }));
  expect(Object.keys(out.logGroups![0]!).sort()).toEqual(['arn', 'creationTime', 'logGroupName']);
});

test('rejects prefix and pattern together, and limits outside 1..50', async () => {
  await expect(
    logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws', logGroupNamePattern: 'orders' })),
  ).rejects.toBeInstanceOf(InvalidParameterException);
  await expect(logs.send(new DescribeLogGroupsCommand({ limit: 51 }))).rejects.toThrow(
    "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
  );
  await expect(logs.send(new DescribeLogGroupsCommand({ limit: 0 }))).rejects.toBeInstanceOf(InvalidParameterException);
});

test('rejects forged, edited and garbage nextTokens', async () => {
  const { nextToken } = await logs.send(new DescribeLogGroupsCommand({ limit: 5 }));
  const [body, mac] = nextToken!.split('.');
  const forged = Buffer.from(JSON.stringify({ s: 'DescribeLogGroups', p: '/aws/lambda/orders-100' })).toString('base64url');
  for (const bad of [`${forged}.${mac}`, `${body}.${mac}x`, 'garbage', `${body}`]) {
    await expect(logs.send(new DescribeLogGroupsCommand({ nextToken: bad }))).rejects.toThrow(
      'The specified nextToken is invalid.',
    );
  }
  // The genuine token still works.
  const next = await logs.send(new DescribeLogGroupsCommand({ limit: 5, nextToken }));
  expect(next.logGroups).toHaveLength(5);
});
