import { isAbsolute, join } from 'node:path';
import { deliverSlackMessages, sendSlackMessages, type SendOptions } from './alerts';
import { runJob, type PostPayload, type RunSummary } from './job';
import { CloudWatchSource, createLogsClient } from './sources';
import { ApiCallCounter, DEFAULT_TPS, RateLimiter } from './sources/rate-limit';
import { inShard, shardFromEvent } from './sources/shard';
import { createStateClient, DynamoStateStore } from './state';
import { webhookUrlFromSsm } from './webhook-url';

/** The fields of the EventBridge scheduled event (or a fan-out coordinator's payload) the handler uses. */
export interface ScheduledEvent {
  time?: string;
  /** Set by the fan-out coordinator (src/fanout.ts): read only this shard's log groups. */
  shard?: { index: number; count: number };
}

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export interface HandlerOptions {
  /** Slack request timeout and retries (defaults: the alerts stage's); the run's deadline bounds them too. */
  slack?: Pick<SendOptions, 'timeoutMs' | 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterSeconds'>;
  /** CloudWatch Logs per-request timeout (default 15 s) and attempts (default 8). */
  logs?: { requestTimeoutMs?: number; maxAttempts?: number };
  /** Wall clock for the time budget, leases and claims. */
  clock?: () => number;
}

/**
 * The scheduled Lambda. With STATE_TABLE set (the deployed configuration) each log group is read from its
 * cursor, repeats are suppressed across runs and every post is claimed in the table before it is sent.
 * Without it, each run reads its scheduled window alone (local use).
 */
export function createHandler(options: HandlerOptions = {}) {
  return async function handler(event: ScheduledEvent = {}, context?: LambdaContext): Promise<RunSummary> {
    const clock = options.clock ?? Date.now;
    // Read first: everything after this spends the run's time.
    const deadlineAt = context ? clock() + context.getRemainingTimeInMillis() : undefined;
    const region = process.env.AWS_REGION ?? 'us-east-1';
    const logs = createLogsClient(region, options.logs ?? {});
    const table = process.env.STATE_TABLE;
    const dynamo = table ? createStateClient(region) : undefined;
    const webhook = () => webhookUrlFromSsm(webhookParameter());
    // The scheduled event's own time, not the clock: an async retry of the same tick computes the same window.
    const now = event.time ? Date.parse(event.time) : clock();
    // A shard reads only its own groups and has its own lease: shards run side by side, never two runs of one shard.
    const shard = shardFromEvent(event);
    // CloudWatch Logs quotas are per account and region, shared with every other tool: pace every call
    // (retries included) below them, and let each of n shards take only its share.
    const limiter = shard ? RateLimiter.shareOf(DEFAULT_TPS, shard.count) : new RateLimiter(DEFAULT_TPS);
    const apiCalls = new ApiCallCounter();
    const sharding = shard
      ? { logGroupFilter: (g: string) => inShard(g, shard.index, shard.count), leaseName: `shard-${shard.index}-of-${shard.count}` }
      : {};
    try {
      const { summary } = await runJob({
        configDir: configDir(),
        source: new CloudWatchSource(logs, { limiter, counter: apiCalls }),
        region,
        now,
        ...(table
          ? {
              state: new DynamoStateStore(dynamo!, table),
              post: slackPoster(webhook, options, clock),
              ...(deadlineAt !== undefined ? { deadlineAt } : {}),
              ...sharding,
              clock,
            }
          : { deliver: async (payloads) => sendSlackMessages(await webhook(), payloads) }),
      });
      // One JSON line per run so users can build metric filters and alarms on the scanner itself.
      const withCalls = { ...summary, apiCalls: apiCalls.toJSON() };
      console.log(JSON.stringify({ level: levelOf(summary), message: 'scan complete', ...withCalls }));
      return withCalls;
    } finally {
      logs.destroy();
      dynamo?.destroy();
    }
  };
}

export const handler = createHandler();

/** Posts one payload with the alerts stage's retries, inside the run's deadline; a missing webhook is a failed post. */
function slackPoster(webhook: () => Promise<string>, options: HandlerOptions, clock: () => number): PostPayload {
  return async (payload, { deadline }) => {
    let url: string;
    try {
      url = await webhook();
    } catch (err) {
      return { delivered: false, error: `webhook URL unavailable: ${(err as Error).message ?? String(err)}`, retryable: true };
    }
    const report = await deliverSlackMessages(url, [payload], { ...options.slack, deadline, clock });
    const result = report.results[0];
    if (result?.delivered) return { delivered: true };
    return { delivered: false, error: result?.error ?? 'not delivered', retryable: result?.retryable ?? true };
  };
}

function levelOf(s: RunSummary): 'INFO' | 'WARN' | 'ERROR' {
  if (s.stateErrors?.length || s.skippedWindows?.length) return 'ERROR';
  if (s.failures.length || s.configProblems.length || s.pending || s.groupsBehind || s.disabledRules?.length || s.lease === 'held-elsewhere') return 'WARN';
  return 'INFO';
}

function webhookParameter(): string {
  const name = process.env.SLACK_WEBHOOK_PARAM;
  if (!name) throw new Error('SLACK_WEBHOOK_PARAM is not set: it names the SSM parameter holding the Slack webhook URL');
  return name;
}

function configDir(): string {
  const dir = process.env.CONFIG_DIR ?? 'config';
  return isAbsolute(dir) ? dir : join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), dir);
}
