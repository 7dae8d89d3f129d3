// What a job is given and what it reports.
import { type SlackPayload } from '../alerts';
import { type Config } from '../config/types';
import type { GroupVariables, ScanResult, ScanWindow } from '../scan';
import type { LogSource } from '../sources';
import type { ApiCallCounter } from '../sources/rate-limit';
import type { EngineSummary } from '../sources/planner';
import { type StateStore } from '../state';


/** How one Slack payload fared; the sender's own retries are already spent. */
export type PostOutcome = { delivered: true } | { delivered: false; error: string; retryable: boolean };

/**
 * Sends one payload; `deadline` (wall clock) is when it must give up, retries included. `channel` is the SSM
 * parameter name of the target webhook (from channels.yml); absent: the sender's default webhook. Never throws.
 */
export type PostPayload = (payload: SlackPayload, opts: { deadline: number; channel?: string }) => Promise<PostOutcome>;

export interface JobOptions {
  configDir: string;
  /** Already loaded config (tests, embedding); `configDir` is then not read. */
  config?: Config;
  source: LogSource;
  region: string;
  /** The run's scheduled time (ms); windows, realert and resolve are measured in it. */
  now: number;
  /** Defaults to the scheduled window ending `lag` before `now`. With `state`, only its end is used. */
  window?: ScanWindow;
  /**
   * Posts the payloads of a run without state; absent in a dry run. Called once per channel (the SSM parameter
   * name of its webhook, from channels.yml; undefined without channels.yml: the default webhook).
   */
  deliver?: (payloads: SlackPayload[], channel?: string) => Promise<void>;
  /** Run-time variables per log group for `when:` conditions (timeoutMs, memorySizeMb); absent: none. */
  groupVariables?: GroupVariables;
  /** Replaces `${stage}` in channels.yml values when the config is loaded here. */
  stage?: string;
  /**
   * Cross-run state. With it, each log group is read from its cursor (not a fixed window), repeats are
   * suppressed per rule + fingerprint, thresholds count across runs, quiet alerts resolve, every post is
   * claimed before it is sent, and undelivered payloads wait in the store for the next run.
   */
  state?: StateStore;
  /** Sends one payload (runs with `state`); absent: nothing is posted and nothing is claimed. */
  post?: PostPayload;
  /** Wall-clock ms when the run must be over (the Lambda's deadline). */
  deadlineAt?: number;
  /** Wall clock for the budget, leases and claims; defaults to Date.now. */
  clock?: () => number;
  runId?: string;
  /** Re-read before each cursor for late-ingested events; default max(ingestionLag, 1 min). */
  overlapMs?: number;
  /** Only these log groups (a shard of a fanned-out scan). */
  logGroupFilter?: (logGroup: string) => boolean;
  /** Runs with the same lease name never overlap; default `run`. A shard uses its own (`shard-<i>-of-<n>`). */
  leaseName?: string;
}

export interface SkippedWindow {
  logGroup: string;
  from: string;
  to: string;
}

export interface RunSummary {
  window: { start: string; end: string };
  rules: number;
  logGroups: number;
  events: number;
  hits: number;
  alerts: number;
  messages: number;
  failures: { logGroup: string; error: string }[];
  configProblems: string[];
  durationMs: number;
  eventsPerSecond: number;
  // The fields below are set by runs with state.
  /** `held-elsewhere`: another run holds the lease; this one did nothing. */
  lease?: 'acquired' | 'held-elsewhere';
  cursorsAdvanced?: number;
  /** Log groups whose cursor is still short of this run's end (budget, failure, or never read). */
  groupsBehind?: number;
  /** How far the furthest-behind log group lags this run's end. */
  backlogMinutes?: number;
  /** Log groups the time budget left for the next run. */
  groupsNotScanned?: number;
  stoppedEarly?: boolean;
  /** Spans older than lookbackMinutes that a log group jumped over unread. */
  skippedWindows?: SkippedWindow[];
  /** Hits counted but not posted (inside the realert window, or a post of them already in flight). */
  suppressed?: number;
  /** Hits of threshold rules below their count so far. */
  belowThreshold?: number;
  /** Hits the overlap re-read and recognised as already counted. */
  alreadySeen?: number;
  resolved?: number;
  /** Payloads waiting for delivery after this run (counted up to 51: 51 means "51 or more"). */
  pending?: number;
  pendingDelivered?: number;
  /** Problems with the state table; the affected cursors were not advanced. */
  stateErrors?: string[];
  /** Rules switched off for being too slow: their hits after that point in this run were not matched. */
  disabledRules?: { ruleId: string; reason: string }[];
  /**
   * Log groups whose run-time variables (a Lambda function's timeoutMs / memorySizeMb) could not be looked up:
   * rules whose `when:` uses them did not fire there this run.
   */
  variableFailures?: { logGroup: string; error: string }[];
  /** CloudWatch Logs requests of the run by API, retries and throttles included (set by the Lambda handler). */
  apiCalls?: ReturnType<ApiCallCounter['toJSON']>;
  /** The read engine the run used and the planner's estimate behind it (set by the Lambda handler). */
  engine?: EngineSummary;
}

export interface JobResult {
  config: Config;
  scan: ScanResult;
  payloads: SlackPayload[];
  summary: RunSummary;
}
