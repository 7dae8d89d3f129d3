import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { invokeShards, planFanout, type LambdaInvoker } from './fanout';

/**
 * The fan-out coordinator (docs/scale.md), deployed when serverless.yml's `shards` param is above 1: on each
 * scheduled tick it queues one asynchronous invocation of the scan function per shard, all carrying the
 * tick's scheduled time, so every worker scans the same window over its own slice of the log groups.
 *
 * A shard Lambda would not queue fails the coordinator run, so Lambda's async retry runs it again. That
 * re-invokes the shards that did start too, which is safe: each shard holds its own run lease, reads from
 * its cursors and claims every post before sending it.
 */

export interface CoordinatorEvent {
  /** EventBridge's scheduled time; absent when invoked by hand (then: now). */
  time?: string;
}

export interface CoordinatorResult {
  functionName: string;
  shards: number;
  time: string;
  failed: { index: number; error: string }[];
}

export function createCoordinator(opts: { invoker?: LambdaInvoker; clock?: () => number } = {}) {
  let client: LambdaClient | undefined;
  const invoker: LambdaInvoker = opts.invoker ?? {
    invoke: (input) => {
      client ??= new LambdaClient({ region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 5 });
      return client.send(new InvokeCommand(input));
    },
  };
  return async function coordinator(event: CoordinatorEvent = {}): Promise<CoordinatorResult> {
    const functionName = process.env.SCAN_FUNCTION_NAME;
    if (!functionName) throw new Error('SCAN_FUNCTION_NAME is not set: the coordinator does not know which function to fan out to');
    const shards = Number(process.env.SHARDS);
    const time = event.time ?? new Date((opts.clock ?? Date.now)()).toISOString();
    // planFanout rejects a bad count or time with a message naming it.
    const { failed } = await invokeShards(invoker, planFanout({ functionName, count: shards, time }));
    const result = { functionName, shards, time, failed };
    console.log(JSON.stringify({ level: failed.length ? 'error' : 'info', message: 'fan-out', ...result }));
    if (failed.length) {
      throw new Error(`${failed.length} of ${shards} shards were not queued (${failed.map((f) => `shard ${f.index}: ${f.error}`).join('; ')})`);
    }
    return result;
  };
}

export const handler = createCoordinator();
