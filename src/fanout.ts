import type { ShardSpec } from './sources/shard';

/**
 * Fan-out for accounts with more log groups than one run can read: a scheduled coordinator invokes the
 * scan function `count` times asynchronously, each with `{ time, shard: { index, count } }`. Each worker
 * keeps only the log groups with `inShard(name, index, count)` (see docs/scale.md), so every group is read
 * by exactly one worker. The per-account API quotas do not grow with workers: each worker's rate limiter
 * gets 1/count of the configured TPS (`tpsShare`), so together they stay inside the same budget.
 */

export interface ShardPayload {
  /** The coordinator's scheduled time: every worker computes the same window from it. */
  time: string;
  shard: ShardSpec;
  /** Fraction of the configured TPS this worker may use (1 / count). */
  tpsShare: number;
}

export interface Invocation {
  functionName: string;
  /** Asynchronous: Lambda queues it and retries failures on its own (the function's async retry setting). */
  invocationType: 'Event';
  payload: ShardPayload;
}

/** The invocations one coordinator tick makes. Pure. */
export function planFanout(opts: { functionName: string; count: number; time: string }): Invocation[] {
  const { functionName, count, time } = opts;
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError(`shard count must be 1..100, got ${count}`);
  if (Number.isNaN(Date.parse(time))) throw new RangeError(`time must be an ISO date, got ${time}`);
  return Array.from({ length: count }, (_, index) => ({
    functionName,
    invocationType: 'Event' as const,
    payload: { time, shard: { index, count }, tpsShare: 1 / count },
  }));
}

/** The one Lambda call the coordinator makes, behind a small interface so the plan can be tested without AWS. */
export interface LambdaInvoker {
  invoke(input: { FunctionName: string; InvocationType: 'Event'; Payload: Uint8Array }): Promise<{ StatusCode?: number }>;
}

/**
 * Sends the planned invocations (lambda:InvokeFunction, InvocationType Event). Resolves with the shards that
 * could not be queued; an async invoke answers 202 once Lambda has the event.
 */
export async function invokeShards(invoker: LambdaInvoker, invocations: readonly Invocation[]): Promise<{ failed: { index: number; error: string }[] }> {
  const results = await Promise.allSettled(
    invocations.map((inv) =>
      invoker.invoke({ FunctionName: inv.functionName, InvocationType: inv.invocationType, Payload: new TextEncoder().encode(JSON.stringify(inv.payload)) }),
    ),
  );
  const failed: { index: number; error: string }[] = [];
  results.forEach((r, i) => {
    const index = invocations[i]!.payload.shard.index;
    if (r.status === 'rejected') failed.push({ index, error: String((r.reason as Error)?.message ?? r.reason) });
    else if (r.value.StatusCode !== undefined && r.value.StatusCode !== 202) failed.push({ index, error: `StatusCode ${r.value.StatusCode}` });
  });
  return { failed };
}
