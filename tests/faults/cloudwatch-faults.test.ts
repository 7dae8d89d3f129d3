/** CloudWatch Logs misbehaving: throttling, 5xx bursts, slow answers, late ingestion. Nothing lost, nothing twice. */
import { MIN } from '../e2e/stateful-stack';
import { expectExactlyOnce, trackScenarios } from './scenario';

describe('faults: CloudWatch Logs', () => {
  const { run } = trackScenarios();

  it('throttling on every read API', async () => {
    const outcome = await run({
      name: 'throttling 15%',
      seed: 101,
      groups: 8,
      hits: 30,
      ticks: 4,
      beforeTick: (_k, s) => {
        s.stack.emulator.faults.set('FilterLogEvents', { throttleRate: 0.15 });
        s.stack.emulator.faults.set('DescribeLogGroups', { throttleRate: 0.15 });
      },
      // The SDK's adaptive retry slows right down after throttles: the run's budget cuts it and the next continues.
      remainingMs: () => 2_000,
    });
    expectExactlyOnce(outcome);
    expect(outcome.stack.stack.emulator.throttled.FilterLogEvents).toBeGreaterThan(0);
  });

  it('bursts of 5xx answers', async () => {
    const outcome = await run({
      name: '5xx bursts',
      seed: 202,
      groups: 10,
      hits: 40,
      ticks: 5,
      // More 5xx answers in a row than the SDK has attempts: some reads fail outright and are retried next run.
      beforeTick: (k, s) => s.stack.emulator.faults.set('FilterLogEvents', { errorNext: k % 2 === 0 ? 20 : 0 }),
    });
    expectExactlyOnce(outcome);
    expect(outcome.figures.failuresSeen).toBeGreaterThan(0);
  });

  it('slow answers inside a short run', async () => {
    const outcome = await run({
      name: 'slow responses',
      seed: 303,
      groups: 12,
      hits: 36,
      ticks: 4,
      emulator: { partialPageProbability: 0.4 },
      beforeTick: (_k, s) => s.stack.emulator.faults.set('FilterLogEvents', { latencyMs: 120 }),
      remainingMs: () => 2_000,
    });
    expectExactlyOnce(outcome);
    expect(outcome.figures.stoppedEarlyRuns).toBeGreaterThan(0);
  });

  it('late ingestion, up to ingestion lag + overlap', async () => {
    const outcome = await run({
      name: 'late ingestion <=3.9min',
      seed: 404,
      groups: 6,
      hits: 60,
      ticks: 6,
      maxIngestionDelayMs: 3.9 * MIN,
    });
    expectExactlyOnce(outcome);
  });
});
