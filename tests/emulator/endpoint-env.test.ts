/**
 * Finding (SDK v3.1169, @smithy/core 3.41): clients built with no `endpoint` DO honour
 *   AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_DYNAMODB
 * (AWS_ENDPOINT_URL_ + the client's serviceId upper-cased with spaces as underscores; plain
 * AWS_ENDPOINT_URL is the fallback for every service; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * disables both). So the e2e tests can run the Lambda handler unmodified with `awsEnvFor(...)`.
 * Caveats proven below: the variable is read at the client's first request, not at construction,
 * and then memoised for that client's lifetime, so a module-level client keeps its first endpoint.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsEnvFor, Emulator, startCloudWatchLogsEmulator } from '../support/cloudwatch-logs-emulator';
import { startDynalite } from '../support/dynalite';

const VARS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_PROFILE',
];
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));

let emulator: Emulator;
let other: Emulator;
let dynamo: { endpoint: string; close(): Promise<void> };

beforeAll(async () => {
  [emulator, other, dynamo] = await Promise.all([
    startCloudWatchLogsEmulator(),
    startCloudWatchLogsEmulator(),
    startDynalite(),
  ]);
});
beforeEach(() => {
  for (const k of VARS) delete process.env[k];
  Object.assign(process.env, awsEnvFor(emulator, { dynamodbEndpoint: dynamo.endpoint }));
  emulator.reset();
  other.reset();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await Promise.all([emulator.close(), other.close(), dynamo.close()]);
});

test('a CloudWatchLogsClient with no endpoint, region or credentials reaches the emulator', async () => {
  emulator.seed('/aws/lambda/from-env');
  const logs = new CloudWatchLogsClient({});
  const out = await logs.send(new DescribeLogGroupsCommand({}));
  logs.destroy();
  expect(out.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/from-env']);
  expect(emulator.calls.DescribeLogGroups).toBe(1);
});

test('an SSMClient with no endpoint reaches the emulator through AWS_ENDPOINT_URL_SSM', async () => {
  emulator.putParameter('/alerts/webhook', 'https://hooks.example/T/B/X');
  const ssm = new SSMClient({});
  const out = await ssm.send(new GetParameterCommand({ Name: '/alerts/webhook', WithDecryption: true }));
  ssm.destroy();
  expect(out.Parameter?.Value).toBe('https://hooks.example/T/B/X');
  expect(emulator.calls.GetParameter).toBe(1);
});

test('each service reads its own variable: SSM can point elsewhere than CloudWatch Logs', async () => {
  process.env.AWS_ENDPOINT_URL_SSM = other.endpoint;
  other.putParameter('/p', 'from-other');
  const ssm = new SSMClient({});
  const logs = new CloudWatchLogsClient({});
  await expect(ssm.send(new GetParameterCommand({ Name: '/p', WithDecryption: true }))).resolves.toMatchObject({
    Parameter: { Value: 'from-other' },
  });
  await logs.send(new DescribeLogGroupsCommand({}));
  ssm.destroy();
  logs.destroy();
  expect(other.calls).toEqual({ GetParameter: 1 });
  expect(emulator.calls).toEqual({ DescribeLogGroups: 1 });
});

test('a DynamoDBClient with no endpoint reaches dynalite through AWS_ENDPOINT_URL_DYNAMODB', async () => {
  const db = new DynamoDBClient({});
  await db.send(
    new CreateTableCommand({
      TableName: 'alert-dedup',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const out = await db.send(new ListTablesCommand({}));
  db.destroy();
  expect(out.TableNames).toEqual(['alert-dedup']);
});

test('the variable is read at the first request, then fixed for the life of the client', async () => {
  delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
  const logs = new CloudWatchLogsClient({}); // built before the variable exists, like a module-level client
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = emulator.endpoint;
  await logs.send(new DescribeLogGroupsCommand({}));
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = other.endpoint;
  await logs.send(new DescribeLogGroupsCommand({}));
  logs.destroy();
  expect(emulator.calls.DescribeLogGroups).toBe(2);
  expect(other.calls.DescribeLogGroups).toBeUndefined();
});

test('plain AWS_ENDPOINT_URL is the fallback when no service-specific variable is set', async () => {
  delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
  process.env.AWS_ENDPOINT_URL = other.endpoint;
  const logs = new CloudWatchLogsClient({});
  await logs.send(new DescribeLogGroupsCommand({}));
  logs.destroy();
  expect(other.calls.DescribeLogGroups).toBe(1);
});
