/**
 * The fan-out for large accounts (docs/scale.md): the deployed coordinator handler, through the real Lambda
 * SDK client, queues one asynchronous invocation of the scan function per shard on the emulator's Lambda
 * Invoke; each queued payload is then run through the real scan handler, as Lambda would. Every log group
 * must be read by exactly one shard and every alert posted once.
 */
import { createCoordinator } from '../../src/coordinator';
import { ERROR_RULES, errorLine, marker, MIN, startStatefulStack, T0, tickTime, type StatefulStack } from './stateful-stack';

const SCAN = 'cloudwatch-log-alerts-test-scan';
const GROUPS = 12;

describe('fan-out coordinator', () => {
  let s: StatefulStack;
  const saved = { SCAN_FUNCTION_NAME: process.env.SCAN_FUNCTION_NAME, SHARDS: process.env.SHARDS };
  let logSpy: jest.SpyInstance;

  beforeEach(async () => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    s = await startStatefulStack({ rulesYaml: ERROR_RULES, settingsYaml: 'realertMinutes: 0\n' });
    for (let g = 0; g < GROUPS; g++) {
      const at = T0 - 2 * MIN + g;
      s.stack.emulator.seed(`/aws/lambda/svc-${g}`, 'stream', [{ timestamp: at, message: errorLine(at, `boom ${marker(g)}`) }]);
    }
    process.env.SCAN_FUNCTION_NAME = SCAN;
    process.env.SHARDS = '3';
  });
  afterEach(async () => {
    logSpy.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await s.close();
  });

  it('queues one Event invocation per shard; together the shards read every group once and post every alert once', async () => {
    s.stack.emulator.putFunction(SCAN);
    const time = new Date(tickTime(0)).toISOString();
    const result = await createCoordinator()({ time });
    expect(result).toEqual({ functionName: SCAN, shards: 3, time, failed: [] });

    const queued = s.stack.emulator.invocations;
    expect(queued.map((q) => q.functionName)).toEqual([SCAN, SCAN, SCAN]);
    // Sent concurrently: they arrive in any order.
    const payloads = queued
      .map((q) => JSON.parse(q.payload) as { time: string; shard: { index: number; count: number } })
      .sort((a, b) => a.shard.index - b.shard.index);
    expect(payloads.map((p) => p.shard)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
    expect(payloads.every((p) => p.time === time)).toBe(true);

    const summaries = [];
    for (const p of payloads) summaries.push(await s.run(p));
    // Each shard took a share, none all, and the shares add up to every group exactly once.
    for (const x of summaries) expect(x.logGroups).toBeLessThan(GROUPS);
    expect(summaries.reduce((n, x) => n + x.logGroups, 0)).toBe(GROUPS);
    expect(s.stack.emulator.calls.FilterLogEvents).toBe(GROUPS);
    expect(s.delivered()).toEqual(new Map(Array.from({ length: GROUPS }, (_, g) => [marker(g), 1])));
  });

  it('fails the run, naming each shard, when Lambda does not queue them (so Lambda retries the coordinator)', async () => {
    s.stack.emulator.putFunction(SCAN, { accessDenied: true });
    await expect(createCoordinator()({ time: new Date(tickTime(0)).toISOString() })).rejects.toThrow(
      /3 of 3 shards were not queued \(shard 0: .*not authorized to perform: lambda:InvokeFunction/,
    );
    expect(s.stack.emulator.invocations).toEqual([]);
    const line = JSON.parse(String(logSpy.mock.calls.at(-1)?.[0])) as { level: string; failed: unknown[] };
    expect(line.level).toBe('error');
    expect(line.failed).toHaveLength(3);
  });

  it('refuses to run without a target function or with a bad shard count', async () => {
    process.env.SHARDS = 'three';
    s.stack.emulator.putFunction(SCAN);
    await expect(createCoordinator()({})).rejects.toThrow(/shard count must be 1\.\.100, got NaN/);
    delete process.env.SCAN_FUNCTION_NAME;
    await expect(createCoordinator()({})).rejects.toThrow(/SCAN_FUNCTION_NAME is not set/);
    expect(s.stack.emulator.invocations).toEqual([]);
  });
});
