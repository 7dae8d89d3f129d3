import { isAbsolute, join } from 'node:path';
import { deliverSlackMessages, sendSlackMessages, type SendOptions } from './alerts';
import { loadConfig } from './config';
import { blendVolume, measuredVolume, runJob, type PostPayload, type RunSummary } from './job';
import { createLogsClient } from './sources';
import { AutoSource } from './sources/insights';
import { DEFAULT_SCALE_SETTINGS, engineSummary } from './sources/planner';
import { ApiCallCounter } from './sources/rate-limit';
import { functionConfigurationFromLambda, FunctionVariablesCache } from './sources/lambda-config';
import { inShard, shardFromEvent } from './sources/shard';
import { createStateClient, DynamoStateStore } from './state';
import { webhookUrlFromSsm } from './webhook-url';
import { LambdaClient } from '@aws-sdk/client-lambda';

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
  // Functions' Timeout / MemorySize for `when:` (timeoutMs, memorySizeMb), kept for the container's life
  // (15 min per function); the client is made on first use, only if some rule reads those variables.
  let lambda: LambdaClient | undefined;
  const functionVariables = new FunctionVariablesCache((name) => {
    lambda ??= new LambdaClient({ region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 3 });
    return functionConfigurationFromLambda(lambda)(name);
  });
  return async function handler(event: ScheduledEvent = {}, context?: LambdaContext): Promise<RunSummary> {
    const clock = options.clock ?? Date.now;
    // Read first: everything after this spends the run's time.
    const deadlineAt = context ? clock() + context.getRemainingTimeInMillis() : undefined;
    const region = process.env.AWS_REGION ?? 'us-east-1';
    const logs = createLogsClient(region, options.logs ?? {});
    const table = process.env.STATE_TABLE;
    const dynamo = table ? createStateClient(region) : undefined;
    // `channel`: the SSM parameter name channels.yml routes a message to; without channels.yml, SLACK_WEBHOOK_PARAM.
    const webhook = (channel?: string) => webhookUrlFromSsm(channel ?? webhookParameter());
    // The scheduled event's own time, not the clock: an async retry of the same tick computes the same window.
    const now = event.time ? Date.parse(event.time) : clock();
    // A shard reads only its own groups and has its own lease: shards run side by side, never two runs of one shard.
    const shard = shardFromEvent(event);
    const apiCalls = new ApiCallCounter();
    const sharding = shard
      ? { logGroupFilter: (g: string) => inShard(g, shard.index, shard.count), leaseName: `shard-${shard.index}-of-${shard.count}` }
      : {};
    let source: AutoSource | undefined;
    try {
      // Loaded here because the source needs the rules (to build Insights filters) and the `scale:` settings.
      // STAGE replaces ${stage} in channels.yml's parameter names.
      const config = await loadConfig(configDir(), { requireStage: true, ...(process.env.STAGE ? { stage: process.env.STAGE } : {}) });
      // CloudWatch Logs quotas are per account and region, shared with every other tool: the source paces every
      // call (retries included) below `scale.tps`, a shard takes only its share, and the engine (FilterLogEvents
      // or Logs Insights) is chosen per run by the planner or forced by `scale.engine` (docs/scale.md).
      const state = table ? new DynamoStateStore(dynamo!, table) : undefined;
      // The volume earlier runs measured for this lease (the account, or this shard); the planner's time and
      // cost estimates start from it. Unreadable: the setting's guess, as on the first run.
      const volumeName = sharding.leaseName ?? 'run';
      const measuredBefore = await state?.getVolume(volumeName).catch(() => undefined);
      const scale = config.settings.scale ?? DEFAULT_SCALE_SETTINGS;
      const volume = { bytesPerGroupPerWindow: measuredBefore ?? scale.bytesPerGroupPerWindow, measured: measuredBefore !== undefined };
      source = new AutoSource(logs, config.rules, {
        settings: scale,
        intervalMs: config.settings.scanIntervalMinutes * 60_000,
        counter: apiCalls,
        bytesPerWindow: (groups) => groups.length * volume.bytesPerGroupPerWindow,
        ...(shard ? { shard } : {}),
      });
      const { summary } = await runJob({
        configDir: configDir(),
        config,
        source,
        region,
        now,
        groupVariables: functionVariables.variables,
        // Replaces ${stage} in channels.yml parameter names.
        ...(process.env.STAGE ? { stage: process.env.STAGE } : {}),
        ...(state
          ? {
              state,
              post: slackPoster(webhook, options, clock),
              ...(deadlineAt !== undefined ? { deadlineAt } : {}),
              ...sharding,
              clock,
            }
          : { deliver: async (payloads, channel) => sendSlackMessages(await webhook(channel), payloads) }),
      });
      const measured = state ? measuredVolume(apiCalls.stats, summary) : undefined;
      if (state && measured !== undefined) {
        await state.putVolume(volumeName, blendVolume(measuredBefore, measured), now + VOLUME_TTL_MS).catch(() => undefined);
      }
      // One JSON line per run so users can build metric filters and alarms on the scanner itself.
      const withCalls: RunSummary = {
        ...summary,
        apiCalls: apiCalls.toJSON(),
        ...(source.decision ? { engine: { ...engineSummary(source.decision), volume } } : {}),
      };
      console.log(JSON.stringify({ level: levelOf(summary), message: 'scan complete', ...withCalls }));
      return withCalls;
    } finally {
      // Insights queries still running (a run stopped early) are stopped, not left holding the account's slots.
      await source?.dispose().catch(() => undefined);
      logs.destroy();
      dynamo?.destroy();
    }
  };
}

export const handler = createHandler();

/** A measured volume no run has refreshed for this long (the scanner was off) is forgotten. */
const VOLUME_TTL_MS = 30 * 86_400_000;

/** Posts one payload with the alerts stage's retries, inside the run's deadline; a missing webhook is a failed post. */
function slackPoster(webhook: (channel?: string) => Promise<string>, options: HandlerOptions, clock: () => number): PostPayload {
  return async (payload, { deadline, channel }) => {
    let url: string;
    try {
      url = await webhook(channel);
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
  if (s.failures.length || s.configProblems.length || s.pending || s.groupsBehind || s.disabledRules?.length || s.variableFailures?.length || s.lease === 'held-elsewhere') return 'WARN';
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
