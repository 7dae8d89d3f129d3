import { randomUUID } from 'node:crypto';
import {
  buildHealthMessage,
  buildResolvedMessage,
  planRunMessages,
  type PlannedMessage,
  type SlackPayload,
} from './alerts';
import { formatProblem, loadConfig } from './config';
import { SEVERITIES, type Config, type Rule, type Settings } from './config/types';
import { correlate, fingerprint, HitGrouper, type Alert } from './dedup';
import { RuleBudget } from './matching';
import { channelFor, opsChannel } from './config/channels';
import { rulesByLogGroup, scan, scanPlanned, scheduledWindow, type GroupRead, type GroupVariables, type ScanResult, type ScanWindow } from './scan';
import type { LogSource } from './sources';
import type { ApiCallCounter } from './sources/rate-limit';
import type { EngineSummary } from './sources/planner';
import {
  advanceCursor,
  decideHits,
  decideResolve,
  fingerprintKey,
  fingerprintTtl,
  pendingId,
  planRead,
  refKey,
  type CoverageSettings,
  type Cursor,
  type DecisionContext,
  type FingerprintPolicy,
  type FingerprintRef,
  type FingerprintState,
  type Hold,
  type ReadPlan,
  type StateStore,
  dueConditions,
  healthRef,
  healthStateKey,
  reportedState,
  type HealthCondition,
} from './state';

const MINUTE = 60_000;
/** Budget assumed when the caller gives no deadline (local runs). */
const DEFAULT_BUDGET_MS = 120_000;
/** Time kept after the scan for fingerprint state, Slack and cursor writes: a quarter of the run, within bounds. */
const MIN_RESERVE_MS = 1_000;
const MAX_RESERVE_MS = 45_000;
/** The lease outlives the run's own deadline by this much, so a run never loses it while alive. */
const LEASE_GRACE_MS = 5_000;
/** An undelivered payload is retried by every run for this long, then expires (and its claims with it). */
const PENDING_TTL_MS = 3 * 24 * 60 * MINUTE;
const PENDING_PER_RUN = 50;
/** A group failing this long is reported once in a health message. */
const FAILING_REPORT_AFTER_MS = 30 * MINUTE;
const CURSOR_TTL_MS = 14 * 24 * 60 * MINUTE;
const STATE_CONCURRENCY = 16;
const DECIDE_ATTEMPTS = 4;

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

/** config → sources → matching → dedup → alerts, shared by the Lambda handler and the CLI. */
export async function runJob(opts: JobOptions): Promise<JobResult> {
  const config = opts.config ?? (await loadConfig(opts.configDir, opts.stage !== undefined ? { stage: opts.stage } : {}));
  if (opts.state) return runWithState(config, opts, opts.state);
  const started = Date.now();
  const window = opts.window ?? scheduledWindow(opts.now, config.settings);
  const result = await scan(config, opts.source, window, opts.groupVariables ? { groupVariables: opts.groupVariables } : {});
  const routed = planRoutedMessages(config, result.alerts, opts.region);
  const payloads = routed.flatMap((r) => r.messages.map((m) => m.payload));
  if (opts.deliver) {
    for (const { channel, messages } of routed) if (messages.length > 0) await opts.deliver(messages.map((m) => m.payload), channel);
  }
  const durationMs = Date.now() - started;
  const summary: RunSummary = {
    window: { start: isoOrOpen(window.startMs), end: isoOrOpen(window.endMs) },
    rules: config.rules.length,
    logGroups: result.logGroups,
    events: result.events,
    hits: result.hits,
    alerts: result.alerts.length,
    messages: payloads.length,
    failures: result.failures,
    configProblems: config.problems.map(formatProblem),
    durationMs,
    eventsPerSecond: Math.round(result.events / Math.max(result.durationMs, 1) * 1000),
    ...(result.variableFailures?.length ? { variableFailures: result.variableFailures } : {}),
  };
  return { config, scan: result, payloads, summary };
}

/**
 * The run's Slack messages per channel (the SSM parameter name of the webhook, from channels.yml; undefined
 * without channels.yml: the default webhook). A standalone alert goes to its rule's channel (`channelFor`); an
 * incident, whole, to the channel of its most severe part. Alerts of different channels never share a message.
 */
export function planRoutedMessages(
  config: Pick<Config, 'channels' | 'settings'>,
  alerts: Alert[],
  region: string,
): Array<{ channel: string | undefined; messages: PlannedMessage[] }> {
  const opts = { region, ...config.settings };
  const channels = config.channels;
  if (!channels) return [{ channel: undefined, messages: planRunMessages(alerts, opts) }];
  const channelOf = new Map<Alert, string>();
  for (const incident of correlate(alerts).incidents) {
    let worst = incident.alerts[0]!;
    for (const a of incident.alerts) if (SEVERITIES.indexOf(a.rule.severity) > SEVERITIES.indexOf(worst.rule.severity)) worst = a;
    for (const a of incident.alerts) channelOf.set(a, channelFor(worst.rule, channels));
  }
  // A subset never links alerts the whole set did not, so each incident is planned exactly as before.
  const byChannel = new Map<string, Alert[]>();
  for (const a of alerts) {
    const channel = channelOf.get(a) ?? channelFor(a.rule, channels);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), a]);
  }
  return [...byChannel].map(([channel, list]) => ({ channel, messages: planRunMessages(list, opts) }));
}

export function defaultOverlapMs(settings: Settings): number {
  return Math.max(settings.ingestionLagMinutes, 1) * MINUTE;
}

/** What the run did, gathered as it goes, turned into the summary at the end. */
interface Tally {
  failures: { logGroup: string; error: string }[];
  stateErrors: string[];
  skipped: SkippedWindow[];
  payloads: SlackPayload[];
  alerts: number;
  suppressed: number;
  belowThreshold: number;
  resolved: number;
  pendingDelivered: number;
  pendingQueued: number;
  pendingLeft: number;
  variableFailures: { logGroup: string; error: string }[];
}

class Run {
  readonly clock: () => number;
  readonly runId: string;
  readonly started: number;
  readonly deadlineAt: number;
  readonly scanStopAt: number;
  /** Sending stops here, leaving time to settle claims and write cursors. */
  readonly sendStopAt: number;
  readonly leaseUntil: number;
  readonly rules: Map<string, Rule>;
  readonly tally: Tally = {
    failures: [],
    stateErrors: [],
    skipped: [],
    payloads: [],
    alerts: 0,
    suppressed: 0,
    belowThreshold: 0,
    resolved: 0,
    pendingDelivered: 0,
    pendingQueued: 0,
    pendingLeft: 0,
    variableFailures: [],
  };
  /** Slack failed in a way that will not clear within this run: what is left goes straight to pending. */
  /** Per channel (webhook parameter; '' for the default): one failing webhook does not stop the others. */
  readonly slackDown = new Set<string>();
  readonly budget = new RuleBudget();

  constructor(
    readonly config: Config,
    readonly opts: JobOptions,
    readonly state: StateStore,
  ) {
    this.clock = opts.clock ?? Date.now;
    this.runId = opts.runId ?? randomUUID();
    this.started = this.clock();
    this.deadlineAt = opts.deadlineAt ?? this.started + DEFAULT_BUDGET_MS;
    const total = Math.max(0, this.deadlineAt - this.started);
    const reserve = Math.min(MAX_RESERVE_MS, Math.max(MIN_RESERVE_MS, total * 0.25));
    this.scanStopAt = this.deadlineAt - reserve;
    this.sendStopAt = this.deadlineAt - reserve / 3;
    this.leaseUntil = this.deadlineAt + LEASE_GRACE_MS;
    this.rules = new Map(config.rules.map((r) => [r.id, r]));
  }

  get now(): number {
    return this.opts.now;
  }

  decisionContext(): DecisionContext {
    return { now: this.now, wallNow: this.clock(), owner: this.runId, claimUntil: this.leaseUntil };
  }

  policy(rule: Rule | undefined): FingerprintPolicy {
    const s = this.config.settings;
    return {
      realertMs: rule?.realertMs ?? s.realertMinutes * MINUTE,
      // A rule's own realert is taken as it is; the settings' growth applies to the default window only.
      ...(rule?.realertMs === undefined ? { realertMaxMs: s.realertMaxMinutes * MINUTE } : {}),
      ...(rule?.threshold ? { threshold: rule.threshold } : {}),
      ...(rule?.resolveMs !== undefined ? { resolveMs: rule.resolveMs } : {}),
      lookbackMs: s.lookbackMinutes * MINUTE,
    };
  }

  stateError(what: string, err: unknown): void {
    this.tally.stateErrors.push(`${what}: ${describeError(err)}`);
  }

  /** Sends one payload unless time or Slack has run out; never throws. */
  async send(payload: SlackPayload, stopAt: number, channel?: string): Promise<{ delivered: true } | { delivered: false; error: string }> {
    const post = this.opts.post;
    if (!post) return { delivered: false, error: 'no Slack sender configured' };
    if (this.slackDown.has(channel ?? '')) return { delivered: false, error: 'not attempted: Slack failed earlier in this run' };
    if (this.clock() >= stopAt) return { delivered: false, error: 'not attempted: run out of time' };
    let outcome: PostOutcome;
    try {
      outcome = await post(payload, { deadline: stopAt, ...(channel !== undefined ? { channel } : {}) });
    } catch (err) {
      outcome = { delivered: false, error: describeError(err), retryable: true };
    }
    if (outcome.delivered) return outcome;
    if (outcome.retryable) this.slackDown.add(channel ?? '');
    return { delivered: false, error: outcome.error };
  }

  /**
   * Posts a payload whose claims this run holds: delivered → the claims settle as delivered; otherwise
   * the payload becomes pending and the claims pass to it. Returns false if neither happened (the
   * claims are then given back, and the caller must not advance the cursors behind it).
   */
  async postClaimed(payload: SlackPayload, holds: Hold[], channel?: string): Promise<boolean> {
    this.tally.payloads.push(payload);
    const sent = await this.send(payload, this.sendStopAt, channel);
    if (sent.delivered) {
      await mapLimit(holds, STATE_CONCURRENCY, async (h) => {
        try {
          await this.state.settleClaim(h, this.runId, { kind: 'delivered', claim: h.kind, expiresAt: this.ttlFor(h.ruleId) });
        } catch (err) {
          // Delivered all the same; the claim expires and the next post of it carries the count.
          this.stateError(`recording delivery of ${h.ruleId}`, err);
        }
      });
      return true;
    }
    return this.queue(payload, holds, sent.error, channel);
  }

  /** `channel`: where the payload goes; a pending payload keeps it, so a later run posts it there too. */
  async queue(payload: SlackPayload, holds: Hold[], error: string, channel?: string): Promise<boolean> {
    const id = pendingId(this.now);
    const until = this.clock() + PENDING_TTL_MS;
    try {
      await this.state.addPending({
        id,
        createdAt: this.now,
        payload,
        ...(channel !== undefined ? { channel } : {}),
        holds,
        attempts: 1,
        lastError: error,
        expiresAt: until,
        version: 0,
      });
    } catch (err) {
      this.stateError('storing an undelivered Slack message', err);
      await mapLimit(holds, STATE_CONCURRENCY, (h) => this.state.settleClaim(h, this.runId, { kind: 'release' }).catch(() => false));
      return false;
    }
    this.tally.pendingQueued += 1;
    await mapLimit(holds, STATE_CONCURRENCY, async (h) => {
      try {
        await this.state.settleClaim(h, this.runId, { kind: 'hand-over', to: `pending:${id}`, until });
      } catch (err) {
        // The run's claim expires with its lease; the pending payload still goes out.
        this.stateError(`handing a claim to pending ${id}`, err);
      }
    });
    return true;
  }

  ttlFor(ruleId: string): number {
    return fingerprintTtl({ lastSeen: this.now }, this.policy(this.rules.get(ruleId)), this.now);
  }
}

async function runWithState(config: Config, opts: JobOptions, state: StateStore): Promise<JobResult> {
  // Claims and cursors record what was handed to Slack; without a sender there is nothing to record.
  if (!opts.post) throw new Error('runJob: `state` needs `post` (a run with state posts, or queues, every alert it claims)');
  const run = new Run(config, opts, state);
  const settings = config.settings;
  const end = opts.window?.endMs ?? scheduledWindow(opts.now, settings).endMs;
  const coverage: CoverageSettings = { lookbackMs: settings.lookbackMinutes * MINUTE, overlapMs: opts.overlapMs ?? defaultOverlapMs(settings) };
  const emptyScan: ScanResult = { window: { startMs: end, endMs: end }, alerts: [], logGroups: 0, events: 0, hits: 0, failures: [], durationMs: 0 };

  const leaseName = opts.leaseName ?? 'run';
  const lease = await state.acquireLease(leaseName, run.runId, run.clock(), run.leaseUntil);
  if (!lease.acquired) {
    const summary = baseSummary(config, emptyScan, run);
    summary.lease = 'held-elsewhere';
    return { config, scan: emptyScan, payloads: [], summary };
  }
  try {
    // 1. What earlier runs could not deliver goes first, with at most a third of the scan budget.
    await deliverPending(run, run.started + (run.scanStopAt - run.started) / 3);

    // 2. Which groups, from where.
    let targets = new Map<string, Rule[]>();
    try {
      targets = await rulesByLogGroup(config.rules, opts.source);
      const keep = opts.logGroupFilter;
      if (keep) for (const g of [...targets.keys()]) if (!keep(g)) targets.delete(g);
    } catch (err) {
      run.tally.failures.push({ logGroup: '(listing log groups)', error: describeError(err) });
    }
    const groups = [...targets.keys()];
    let cursors: Map<string, Cursor>;
    try {
      cursors = await state.getCursors(groups);
    } catch (err) {
      // Without cursors nothing can be read safely; the next run starts where the last good one stopped.
      run.stateError('reading cursors', err);
      return finish(run, emptyScan, [], new Map(), end, coverage);
    }
    const plans: ReadPlan[] = groups.map((g) => planRead(g, cursors.get(g), end, coverage));

    // 3. Read and match.
    const scanStarted = run.clock();
    const reads = await scanPlanned(plans, targets, opts.source, {
      clock: run.clock,
      stopAt: run.scanStopAt,
      budget: run.budget,
      ...(opts.groupVariables ? { groupVariables: opts.groupVariables } : {}),
    });
    const { result: scanResult, identities } = summariseReads(reads, end, run.clock() - scanStarted);
    for (const r of reads) if (r.error) run.tally.failures.push({ logGroup: r.plan.logGroup, error: r.error });
    for (const r of reads) if (r.variablesError) run.tally.variableFailures.push({ logGroup: r.plan.logGroup, error: r.variablesError });

    // 4. Across runs: suppress, threshold, claim; then post or queue.
    const heldBack = await alertAcrossRuns(run, reads, scanResult.alerts, identities);

    // 5. Cursors, computed now so resolve can check coverage; written last.
    const advances = new Map<string, ReturnType<typeof advanceCursor>>();
    for (const r of reads) {
      if (r.status === 'idle' || r.status === 'not-started') continue;
      // A group never read successfully keeps no cursor: its first good read starts from the lookback.
      if (!r.plan.cursor && r.readUntil === undefined && r.newSeen.length === 0) continue;
      if (heldBack.has(r.plan.logGroup)) continue;
      advances.set(r.plan.logGroup, advanceCursor(r.plan, { readUntil: r.readUntil, newSeen: r.newSeen, ...(r.error ? { error: r.error } : {}) }, run.now, coverage));
    }
    const scannedUntil = (g: string): number | undefined =>
      targets.has(g) ? (advances.get(g)?.cursor.scannedUntil ?? cursors.get(g)?.scannedUntil ?? Number.NEGATIVE_INFINITY) : undefined;
    await resolveQuiet(run, new Set([...identities.values()].map((i) => refKey(i.ref))), scannedUntil);

    return finish(run, scanResult, reads, advances, end, coverage, cursors);
  } finally {
    await state.releaseLease(leaseName, run.runId).catch((err: unknown) => run.stateError('releasing the run lease', err));
  }
}

/** Sends pending payloads oldest first; each is claimed so two runs never send the same one. */
async function deliverPending(run: Run, stopAt: number): Promise<void> {
  let list;
  try {
    list = await run.state.listPending(PENDING_PER_RUN);
  } catch (err) {
    run.stateError('listing pending Slack messages', err);
    return;
  }
  for (const p of list) {
    if (run.clock() >= stopAt) break;
    if (run.slackDown.has(p.channel ?? '')) continue;
    try {
      if (!(await run.state.claimPending(p.id, run.runId, run.clock(), run.leaseUntil))) continue;
      const owner = `pending:${p.id}`;
      // A "resolved" note whose fingerprint fired again before it went out is withdrawn.
      if (p.holds.length > 0 && p.holds.every((h) => h.kind === 'resolve')) {
        const states = await run.state.getFingerprints(p.holds);
        if (p.holds.some((h) => states.get(refKey(h))?.claim?.owner !== owner)) {
          await run.state.removePending(p.id, run.runId);
          continue;
        }
      }
      const sent = await run.send(p.payload as SlackPayload, stopAt, p.channel);
      if (!sent.delivered) {
        await run.state.releasePending(p.id, run.runId, sent.error);
        continue;
      }
      // Settle first, then remove: a crash between the two re-sends rather than leaves claims stranded.
      await mapLimit(p.holds, STATE_CONCURRENCY, (h) =>
        run.state.settleClaim(h, owner, { kind: 'delivered', claim: h.kind, expiresAt: run.ttlFor(h.ruleId) }),
      );
      await run.state.removePending(p.id, run.runId);
      run.tally.pendingDelivered += 1;
    } catch (err) {
      run.stateError(`delivering pending ${p.id}`, err);
    }
  }
}

/**
 * Groups the new hits into alerts, decides each against its fingerprint's state with a versioned write
 * (which is also the claim on a post), and posts or queues what must go out. Returns the log groups whose
 * cursors must not advance because some of their hits were neither recorded nor handed to delivery.
 */
async function alertAcrossRuns(run: Run, reads: GroupRead[], alerts: Alert[], identities: Map<Alert, Identity>): Promise<Set<string>> {
  const heldBack = new Set<string>();
  if (alerts.length === 0) return heldBack;
  // By object, or by the sample (one hit belongs to one alert per rule) should a later stage copy alerts.
  const bySample = new Map([...identities].map(([a, id]) => [sampleKey(a), id]));
  const keyOf = (a: Alert): FingerprintRef => (identities.get(a) ?? bySample.get(sampleKey(a)))!.ref;
  // Thresholds count each hit's time across runs.
  const times = new Map<string, number[]>();
  for (const r of reads) {
    for (const hit of r.hits) {
      if (!hit.rule.threshold) continue;
      const k = refKey(identityOf(hit.rule.id, hit.groupKey, fingerprint(hit.event.message)).ref);
      const list = times.get(k) ?? [];
      list.push(hit.event.timestamp);
      times.set(k, list);
    }
  }

  const refs = alerts.map(keyOf);
  let states: Map<string, FingerprintState>;
  try {
    states = await run.state.getFingerprints(refs);
  } catch (err) {
    run.stateError('reading fingerprint state', err);
    for (const a of alerts) for (const g of a.logGroups) heldBack.add(g);
    return heldBack;
  }

  const toPost: Alert[] = [];
  await mapLimit(alerts, STATE_CONCURRENCY, async (alert) => {
    const ref = keyOf(alert);
    const k = refKey(ref);
    const policy = run.policy(alert.rule);
    let prev = states.get(k);
    for (let attempt = 0; attempt < DECIDE_ATTEMPTS; attempt++) {
      const decision = decideHits(
        prev,
        { ...ref, fingerprint: (identities.get(alert) ?? bySample.get(sampleKey(alert)))!.text },
        { count: alert.count, firstSeen: alert.firstSeen, lastSeen: alert.lastSeen, logGroups: alert.logGroups, ...(times.has(k) ? { times: times.get(k)! } : {}) },
        policy,
        run.decisionContext(),
      );
      let written = false;
      try {
        written = await run.state.putFingerprint(decision.next);
      } catch (err) {
        run.stateError(`recording ${alert.rule.id}`, err);
        break;
      }
      if (written) {
        if (decision.action === 'post') {
          const posted: Alert = { ...alert, ...decision.repeat };
          identities.set(posted, (identities.get(alert) ?? bySample.get(sampleKey(alert)))!);
          toPost.push(posted);
        } else if (decision.action === 'below-threshold') run.tally.belowThreshold += alert.count;
        else run.tally.suppressed += alert.count;
        return;
      }
      // Another run wrote it meanwhile: decide again on what it wrote.
      try {
        prev = (await run.state.getFingerprints([ref])).get(k);
      } catch (err) {
        run.stateError(`re-reading ${alert.rule.id}`, err);
        break;
      }
    }
    for (const g of alert.logGroups) heldBack.add(g);
  });

  if (toPost.length === 0) return heldBack;
  run.tally.alerts += toPost.length;
  for (const { channel, messages } of planRoutedMessages(run.config, toPost, run.opts.region)) {
    for (const message of messages) {
      const holds: Hold[] = message.alerts.map((a) => ({ ...keyOf(a), kind: 'alert' }));
      const handed = await run.postClaimed(message.payload, holds, channel);
      if (!handed) for (const a of message.alerts) for (const g of a.logGroups) heldBack.add(g);
    }
  }
  return heldBack;
}

/** Posts one "resolved" note per alerted fingerprint that has been quiet for its rule's resolveMs. */
async function resolveQuiet(run: Run, active: Set<string>, scannedUntil: (g: string) => number | undefined): Promise<void> {
  for (const rule of run.config.rules) {
    if (rule.resolveMs === undefined) continue;
    let open: FingerprintState[];
    try {
      open = await run.state.getOpenFingerprints(rule.id);
    } catch (err) {
      run.stateError(`reading open alerts of ${rule.id}`, err);
      continue;
    }
    for (const fp of open) {
      if (active.has(refKey(fp))) continue;
      const next = decideResolve(fp, run.policy(rule), run.decisionContext(), scannedUntil);
      if (!next) continue;
      try {
        if (!(await run.state.putFingerprint(next))) continue; // changed meanwhile: next run decides again
      } catch (err) {
        run.stateError(`resolving ${rule.id}`, err);
        continue;
      }
      const payload = buildResolvedMessage(
        {
          ruleId: rule.id,
          fingerprint: fp.fingerprint,
          severity: rule.severity,
          lastSeen: fp.lastSeen,
          alertedAt: fp.lastAlertedAt ?? fp.firstSeen,
          region: run.opts.region,
          logGroups: fp.logGroups,
          pattern: rule.pattern,
        },
        { now: run.now, linkContextMinutes: run.config.settings.linkContextMinutes },
      );
      const channel = run.config.channels ? channelFor(rule, run.config.channels) : undefined;
      if (await run.postClaimed(payload, [{ ruleId: rule.id, key: fp.key, kind: 'resolve' }], channel)) run.tally.resolved += 1;
    }
  }
}

async function finish(
  run: Run,
  scanResult: ScanResult,
  reads: GroupRead[],
  advances: Map<string, ReturnType<typeof advanceCursor>>,
  end: number,
  coverage: CoverageSettings,
  before: Map<string, Cursor> = new Map(),
): Promise<JobResult> {
  let cursorsAdvanced = 0;
  const written = new Map<string, Cursor>();
  await mapLimit([...advances.values()], STATE_CONCURRENCY, async (adv) => {
    try {
      if (await run.state.putCursor(adv.cursor, run.clock() + Math.max(CURSOR_TTL_MS, coverage.lookbackMs))) {
        written.set(adv.cursor.logGroup, adv.cursor);
        if (adv.advanced) cursorsAdvanced += 1;
        if (adv.skipped) {
          run.tally.skipped.push({ logGroup: adv.cursor.logGroup, from: isoOrOpen(adv.skipped.from), to: isoOrOpen(adv.skipped.to) });
        }
      } else {
        run.tally.stateErrors.push(`cursor of ${adv.cursor.logGroup} changed by another run; left as it is`);
      }
    } catch (err) {
      run.stateError(`saving the cursor of ${adv.cursor.logGroup}`, err);
    }
  });

  // Where every group stands now.
  let behind = 0;
  let backlogMs = 0;
  const failing: { logGroup: string; error: string }[] = [];
  for (const r of reads) {
    const g = r.plan.logGroup;
    const c = written.get(g) ?? before.get(g);
    const at = c?.scannedUntil ?? r.plan.from;
    if (at < end) {
      behind += 1;
      backlogMs = Math.max(backlogMs, end - at);
    }
    if (c?.failingSince !== undefined && run.now - c.failingSince >= FAILING_REPORT_AFTER_MS) {
      failing.push({ logGroup: g, error: `failing since ${isoOrOpen(c.failingSince)}: ${c.lastError ?? 'unknown error'}` });
    }
  }

  const disabled = run.budget.disabled();
  try {
    run.tally.pendingLeft = (await run.state.listPending(PENDING_PER_RUN + 1)).length;
  } catch (err) {
    run.stateError('counting pending Slack messages', err);
  }

  // The scanner's own health: every condition that means alerts may be late or missing, each reported to
  // the ops channel at most once per realert window while it lasts.
  const conditions: ScannerCondition[] = [
    ...run.tally.skipped.map((s) => ({ key: `skipped:${s.logGroup}:${s.from}`, failure: { logGroup: s.logGroup, error: `not scanned from ${s.from} to ${s.to}: more than lookbackMinutes behind` } })),
    ...failing.map((f) => ({ key: `failing:${f.logGroup}`, failure: f })),
    ...(backlogMs > 2 * run.config.settings.scanIntervalMinutes * MINUTE ? [{ key: 'backlog', backlogMinutes: backlogMs / MINUTE }] : []),
    ...(run.tally.pendingLeft > 0 ? [{ key: 'pending', pendingMessages: run.tally.pendingLeft }] : []),
    ...disabled.map((d) => ({ key: `slow-rule:${d.ruleId}`, disabledRule: d.ruleId })),
    ...run.config.problems.map((p) => ({ key: `config:${formatProblem(p)}`, configProblem: formatProblem(p) })),
  ];
  await reportHealth(run, conditions);

  const summary = baseSummary(run.config, scanResult, run);
  const notStarted = reads.filter((r) => r.status === 'not-started').length;
  const partial = reads.some((r) => r.status === 'partial' && !r.error);
  Object.assign(summary, {
    failures: run.tally.failures.sort((a, b) => a.logGroup.localeCompare(b.logGroup)),
    lease: 'acquired',
    cursorsAdvanced,
    groupsBehind: behind,
    backlogMinutes: Math.round((backlogMs / MINUTE) * 10) / 10,
    groupsNotScanned: notStarted,
    stoppedEarly: notStarted > 0 || partial,
    skippedWindows: run.tally.skipped,
    suppressed: run.tally.suppressed,
    belowThreshold: run.tally.belowThreshold,
    alreadySeen: reads.reduce((n, r) => n + r.alreadySeen, 0),
    resolved: run.tally.resolved,
    pending: run.tally.pendingLeft,
    pendingDelivered: run.tally.pendingDelivered,
    stateErrors: run.tally.stateErrors,
    disabledRules: disabled.map((d) => ({ ruleId: d.ruleId, reason: d.reason })),
    ...(run.tally.variableFailures.length ? { variableFailures: run.tally.variableFailures.sort((a, b) => a.logGroup.localeCompare(b.logGroup)) } : {}),
  } satisfies Partial<RunSummary>);
  return { config: run.config, scan: scanResult, payloads: run.tally.payloads, summary };
}

/** What identifies an alert across runs: rule, fingerprint and (for rules with groupBy) the group values. */
interface Identity {
  ref: FingerprintRef;
  /** The fingerprint as stored and shown in "resolved" notes. */
  text: string;
}

function sampleKey(a: Alert): string {
  return `${a.rule.id}\u0000${a.sample.logGroup}\u0000${a.sample.eventId}`;
}

function identityOf(ruleId: string, groupKey: string | undefined, fp: string): Identity {
  return groupKey
    ? { ref: { ruleId, key: fingerprintKey(`${fp}\u0000${groupKey}`) }, text: `${fp}  [${groupKey}]` }
    : { ref: { ruleId, key: fingerprintKey(fp) }, text: fp };
}

function summariseReads(reads: GroupRead[], end: number, durationMs: number): { result: ScanResult; identities: Map<Alert, Identity> } {
  // One grouper per groupBy value, so each alert knows the value it stands for (Alert does not carry it).
  const groupers = new Map<string, HitGrouper>();
  let events = 0;
  let hits = 0;
  let start = end;
  for (const r of reads) {
    events += r.events;
    hits += r.hits.length;
    for (const h of r.hits) {
      const g = h.groupKey ?? '';
      let grouper = groupers.get(g);
      if (!grouper) groupers.set(g, (grouper = new HitGrouper()));
      grouper.add(h);
    }
    if (r.status !== 'idle' && r.status !== 'not-started') start = Math.min(start, r.plan.readFrom);
  }
  const identities = new Map<Alert, Identity>();
  const alerts: Alert[] = [];
  for (const [groupKey, grouper] of groupers) {
    for (const a of grouper.result()) {
      identities.set(a, identityOf(a.rule.id, groupKey || undefined, a.fingerprint));
      alerts.push(a);
    }
  }
  alerts.sort((a, b) => a.rule.id.localeCompare(b.rule.id) || a.firstSeen - b.firstSeen || a.fingerprint.localeCompare(b.fingerprint));
  const result: ScanResult = {
    window: { startMs: start, endMs: end },
    alerts,
    logGroups: reads.length,
    events,
    hits,
    failures: reads.filter((r) => r.error).map((r) => ({ logGroup: r.plan.logGroup, error: r.error! })),
    durationMs,
  };
  return { result, identities };
}

function baseSummary(config: Config, result: ScanResult, run: Run): RunSummary {
  const durationMs = run.clock() - run.started;
  return {
    window: { start: isoOrOpen(result.window.startMs), end: isoOrOpen(result.window.endMs) },
    rules: config.rules.length,
    logGroups: result.logGroups,
    events: result.events,
    hits: result.hits,
    alerts: run.tally.alerts,
    messages: run.tally.payloads.length,
    failures: run.tally.failures,
    configProblems: config.problems.map(formatProblem),
    durationMs,
    eventsPerSecond: Math.round((result.events / Math.max(result.durationMs, 1)) * 1000),
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

function isoOrOpen(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'open';
}

interface ScannerCondition extends HealthCondition {
  failure?: { logGroup: string; error: string };
  backlogMinutes?: number;
  pendingMessages?: number;
  disabledRule?: string;
  configProblem?: string;
}

/** Posts the conditions that are due (see `dueConditions`) as one health message and records them as reported. */
async function reportHealth(run: Run, conditions: ScannerCondition[]): Promise<void> {
  if (conditions.length === 0) return;
  let states: Map<string, FingerprintState>;
  try {
    states = await run.state.getFingerprints(conditions.map(healthRef));
  } catch (err) {
    run.stateError('reading scanner health state', err);
    return;
  }
  const realertMs = run.config.settings.realertMinutes * MINUTE;
  const due = dueConditions(conditions, states, run.now, realertMs);
  if (due.length === 0) return;
  const health = buildHealthMessage(
    {
      failures: due.flatMap((c) => (c.failure ? [c.failure] : [])),
      pendingMessages: due.reduce((n, c) => n + (c.pendingMessages ?? 0), 0),
      backlogMinutes: due.reduce((m, c) => Math.max(m, c.backlogMinutes ?? 0), 0),
      disabledRules: due.flatMap((c) => (c.disabledRule ? [c.disabledRule] : [])),
      configProblems: due.flatMap((c) => (c.configProblem ? [c.configProblem] : [])),
    },
    { now: run.now },
  );
  run.tally.payloads.push(health);
  const ops = run.config.channels ? opsChannel(run.config.channels) : undefined;
  const sent = await run.send(health, run.sendStopAt, ops);
  // Not queued when it fails: the conditions are re-derived next run, and a health note waiting behind a
  // broken channel would only add to its backlog.
  if (!sent.delivered) return;
  const expiresAt = run.clock() + realertMs + CURSOR_TTL_MS;
  await mapLimit(due, STATE_CONCURRENCY, async (c) => {
    try {
      await run.state.putFingerprint(reportedState(c, states.get(healthStateKey(c)), run.now, expiresAt));
    } catch (err) {
      // Reported all the same; at worst the next run says it again.
      run.stateError('recording scanner health', err);
    }
  });
}
