/**
 * The emulator's sliver of the Lambda API (REST-JSON), met by the real LambdaClient configured only through
 * the environment (AWS_ENDPOINT_URL_LAMBDA), as the handler's client is.
 */
import { GetFunctionConfigurationCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { awsEnvFor, startCloudWatchLogsEmulator, type Emulator } from '../support/cloudwatch-logs-emulator';
import { FunctionVariablesCache, functionConfigurationFromLambda } from '../../src/sources/lambda-config';
import type { Rule } from '../../src/config/types';

const VARS = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_LAMBDA', 'AWS_ENDPOINT_URL', 'AWS_PROFILE'];
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));
let emulator: Emulator;
let lambda: LambdaClient;

beforeAll(async () => {
  emulator = await startCloudWatchLogsEmulator();
  for (const k of VARS) delete process.env[k];
  Object.assign(process.env, awsEnvFor(emulator));
  lambda = new LambdaClient({ maxAttempts: 1 });
});
beforeEach(() => emulator.reset());
afterAll(async () => {
  lambda.destroy();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await emulator.close();
});

test('GetFunctionConfiguration returns the seeded Timeout and MemorySize', async () => {
  emulator.putFunction('orders-api', { timeout: 3, memorySize: 256 });
  const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
  expect(out).toMatchObject({ FunctionName: 'orders-api', Timeout: 3, MemorySize: 256, FunctionArn: `arn:aws:lambda:${emulator.region}:${emulator.accountId}:function:orders-api` });
  expect(emulator.calls.GetFunctionConfiguration).toBe(1);
});

test('an unknown function is a 404 ResourceNotFoundException, typed by the x-amzn-errortype header', async () => {
  const err = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'gone' })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ResourceNotFoundException);
  expect((err as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  expect((err as Error).message).toContain('Function not found');
});

test('a function the role may not read is a 403 AccessDeniedException', async () => {
  emulator.putFunction('secret-fn', { accessDenied: true });
  const err = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'secret-fn' })).catch((e: unknown) => e);
  expect((err as Error).name).toBe('AccessDeniedException');
  expect((err as ResourceNotFoundException).$metadata.httpStatusCode).toBe(403);
});

describe('FunctionVariablesCache', () => {
  const rule = (when?: string[]): Rule => ({ when: when && { source: '', evaluate: () => true, variables: when } }) as unknown as Rule;

  test('reads /aws/lambda/<name> groups only when a rule uses a run-time variable, once per TTL', async () => {
    emulator.putFunction('orders-api', { timeout: 3, memorySize: 256 });
    let now = 0;
    const cache = new FunctionVariablesCache(functionConfigurationFromLambda(lambda), { clock: () => now, ttlMs: 1000 });
    expect(await cache.variables('/aws/lambda/orders-api', [rule(['duration'])])).toEqual({});
    expect(await cache.variables('/ecs/orders-api', [rule(['timeoutMs'])])).toEqual({});
    expect(emulator.calls.GetFunctionConfiguration).toBeUndefined();
    expect(await cache.variables('/aws/lambda/orders-api', [rule(['duration', 'timeoutMs'])])).toEqual({ vars: { timeoutMs: 3000, memorySizeMb: 256 } });
    await cache.variables('/aws/lambda/orders-api', [rule(['memorySizeMb'])]);
    expect(emulator.calls.GetFunctionConfiguration).toBe(1);
    now = 1000;
    await cache.variables('/aws/lambda/orders-api', [rule(['memorySizeMb'])]);
    expect(emulator.calls.GetFunctionConfiguration).toBe(2);
  });

  test('a failed lookup is an error result, not kept, never a throw', async () => {
    const cache = new FunctionVariablesCache(functionConfigurationFromLambda(lambda));
    const out = await cache.variables('/aws/lambda/deleted-fn', [rule(['timeoutMs'])]);
    expect(out.error).toMatch(/ResourceNotFoundException/);
    emulator.putFunction('deleted-fn', { timeout: 10 });
    expect(await cache.variables('/aws/lambda/deleted-fn', [rule(['timeoutMs'])])).toEqual({ vars: { timeoutMs: 10_000, memorySizeMb: 128 } });
  });
});
