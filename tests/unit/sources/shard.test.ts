import { invokeShards, planFanout, type LambdaInvoker } from '../../../src/fanout';
import { fnv1a, inShard, shardFromEvent, shardOf } from '../../../src/sources/shard';

test('FNV-1a matches the reference values', () => {
  expect(fnv1a('')).toBe(0x811c9dc5);
  expect(fnv1a('a')).toBe(0xe40c292c);
  expect(fnv1a('foobar')).toBe(0xbf9cf968);
});

test('every group is covered by exactly one of n shards, evenly', () => {
  const groups = Array.from({ length: 5000 }, (_, i) => `/aws/lambda/service-${i % 37}-fn-${i}`);
  for (const n of [1, 2, 3, 7, 16]) {
    const counts = new Array<number>(n).fill(0);
    for (const g of groups) {
      const owners = Array.from({ length: n }, (_, i) => i).filter((i) => inShard(g, i, n));
      expect(owners).toEqual([shardOf(g, n)]);
      counts[owners[0]!]!++;
    }
    const mean = groups.length / n;
    for (const c of counts) expect(Math.abs(c - mean)).toBeLessThan(mean * 0.15);
  }
});

test('shardOf is stable and rejects nonsense', () => {
  expect(shardOf('/aws/lambda/orders', 8)).toBe(shardOf('/aws/lambda/orders', 8));
  expect(() => shardOf('/g', 0)).toThrow(RangeError);
  expect(() => inShard('/g', 3, 3)).toThrow(RangeError);
});

test('the coordinator plans one async invocation per shard, all with the same scheduled time', () => {
  const plan = planFanout({ functionName: 'scan', count: 3, time: '2026-01-01T00:05:00Z' });
  expect(plan).toEqual([0, 1, 2].map((index) => ({
    functionName: 'scan',
    invocationType: 'Event',
    payload: { time: '2026-01-01T00:05:00Z', shard: { index, count: 3 }, tpsShare: 1 / 3 },
  })));
  expect(() => planFanout({ functionName: 'scan', count: 0, time: '2026-01-01T00:05:00Z' })).toThrow(RangeError);
  expect(shardFromEvent(plan[2]!.payload)).toEqual({ index: 2, count: 3 });
  expect(shardFromEvent({ time: 'x' })).toBeUndefined();
  expect(shardFromEvent({ shard: { index: 3, count: 3 } })).toBeUndefined();
});

test('invokeShards sends Event invocations and reports the ones Lambda did not queue', async () => {
  const sent: { FunctionName: string; InvocationType: string; payload: unknown }[] = [];
  const invoker: LambdaInvoker = {
    async invoke(input) {
      const payload = JSON.parse(new TextDecoder().decode(input.Payload)) as { shard: { index: number } };
      sent.push({ FunctionName: input.FunctionName, InvocationType: input.InvocationType, payload });
      if (payload.shard.index === 1) throw new Error('TooManyRequestsException');
      return { StatusCode: payload.shard.index === 2 ? 500 : 202 };
    },
  };
  const { failed } = await invokeShards(invoker, planFanout({ functionName: 'scan', count: 4, time: '2026-01-01T00:05:00Z' }));
  expect(sent).toHaveLength(4);
  expect(sent.every((s) => s.InvocationType === 'Event')).toBe(true);
  expect(failed).toEqual([{ index: 1, error: 'TooManyRequestsException' }, { index: 2, error: 'StatusCode 500' }]);
});
