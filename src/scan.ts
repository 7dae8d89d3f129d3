import { logGroupMatcher } from './config';
import type { Config, Rule, Settings } from './config/types';
import { HitGrouper, type Alert } from './dedup';
import { matchEvents, RuleBudget, type Hit } from './matching';
import type { LogEvent, LogSource } from './sources';
import { hintReads } from './sources/insights';
import { eventIdentity, seenEntry, type ReadPlan } from './state';

export interface ScanWindow {
  startMs: number;
  /** Exclusive: the next window starts here. */
  endMs: number;
}

export interface GroupFailure {
  logGroup: string;
  error: string;
}

export interface ScanResult {
  window: ScanWindow;
  alerts: Alert[];
  logGroups: number;
  events: number;
  hits: number;
  failures: GroupFailure[];
  durationMs: number;
  /** Groups whose run-time variables could not be looked up (their rules using them did not fire). */
  variableFailures?: GroupFailure[];
}

/** Run-time variables of one log group for `when:`; `error` when they could not be looked up. */
export interface GroupVariablesResult {
  vars?: Readonly<Record<string, number>>;
  error?: string;
}

/**
 * Looks up run-time variables (RUNTIME_VARIABLES: a Lambda function's timeoutMs, memorySizeMb) for a log
 * group and the rules that read it. Must not throw; a rejection is treated as `{ error }`. Without variables a
 * `when:` that uses them is false: those rules do not fire for the group, the others are unaffected.
 */
export type GroupVariables = (logGroup: string, rules: readonly Rule[]) => Promise<GroupVariablesResult>;

async function variablesOf(lookup: GroupVariables | undefined, logGroup: string, rules: readonly Rule[]): Promise<GroupVariablesResult> {
  if (!lookup) return {};
  try {
    return await lookup(logGroup, rules);
  } catch (err) {
    return { error: describeError(err) };
  }
}

const MINUTE = 60_000;

/**
 * The window a scheduled run reads: aligned to the schedule's grid and ending `lag` before now, so
 * consecutive ticks read back-to-back windows even when EventBridge fires a few seconds late.
 */
export function scheduledWindow(now: number, settings: Settings): ScanWindow {
  const interval = settings.scanIntervalMinutes * MINUTE;
  const endMs = Math.floor((now - settings.ingestionLagMinutes * MINUTE) / interval) * interval;
  return { startMs: endMs - interval, endMs };
}

/**
 * Reads every log group any rule targets once, runs all of that group's rules over each event and folds
 * the hits into alerts. A failing log group is recorded and skipped; it never stops the others.
 */
export async function scan(
  config: Config,
  source: LogSource,
  window: ScanWindow,
  opts: { concurrency?: number; clock?: () => number; groupVariables?: GroupVariables } = {},
): Promise<ScanResult> {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const result: ScanResult = { window, alerts: [], logGroups: 0, events: 0, hits: 0, failures: [], durationMs: 0 };
  const targets = await rulesByLogGroup(config.rules, source);
  result.logGroups = targets.size;
  const grouper = new HitGrouper();
  // One budget per scan: a rule too slow for this scan is switched off for it, and only for it.
  const budget = new RuleBudget();

  const queue = [...targets.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [logGroup, rules] = next;
      const { vars, error: varsError } = await variablesOf(opts.groupVariables, logGroup, rules);
      if (varsError !== undefined) (result.variableFailures ??= []).push({ logGroup, error: varsError });
      try {
        for await (const page of source.readEvents(logGroup, window.startMs, window.endMs)) {
          result.events += page.length;
          for (const hit of matchEvents(rules, page, vars ? { budget, vars } : { budget })) {
            result.hits += 1;
            grouper.add(hit);
          }
        }
      } catch (err) {
        result.failures.push({ logGroup, error: describeError(err) });
      }
    }
  };
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 3, queue.length));
  await Promise.all(Array.from({ length: concurrency }, worker));

  result.alerts = grouper.result();
  result.failures.sort((a, b) => a.logGroup.localeCompare(b.logGroup));
  result.variableFailures?.sort((a, b) => a.logGroup.localeCompare(b.logGroup));
  result.durationMs = clock() - started;
  return result;
}

/** One read per log group serves every rule that targets it. */
export async function rulesByLogGroup(rules: readonly Rule[], source: LogSource): Promise<Map<string, Rule[]>> {
  const patterns = [...new Set(rules.flatMap((r) => r.logGroups))];
  const groups = patterns.length ? await source.resolveLogGroups(patterns) : [];
  const matchers = rules.map((rule) => ({ rule, matches: rule.logGroups.map(logGroupMatcher) }));
  const targets = new Map<string, Rule[]>();
  for (const group of groups) {
    const rulesForGroup = matchers.filter((m) => m.matches.some((match) => match(group))).map((m) => m.rule);
    if (rulesForGroup.length) targets.set(group, rulesForGroup);
  }
  return targets;
}

export interface GroupRead {
  plan: ReadPlan;
  /**
   * complete: read to the plan's end. partial: stopped by the time budget or an error after some pages.
   * failed: no progress. not-started: the budget ran out before its turn. idle: nothing new to read.
   */
  status: 'complete' | 'partial' | 'failed' | 'not-started' | 'idle';
  /** Every event before this was read and matched; undefined when the read made no progress. */
  readUntil?: number;
  events: number;
  /** Hits not counted before (overlap re-reads skip the ones the cursor has seen). */
  hits: Hit[];
  /** `seenEntry` of every event behind `hits`. */
  newSeen: string[];
  /** Hits skipped because an earlier run counted them (the overlap working). */
  alreadySeen: number;
  error?: string;
  /** Its run-time variables could not be looked up: rules whose `when:` uses them did not fire here. */
  variablesError?: string;
  durationMs: number;
}

export interface PlannedScanOptions {
  concurrency?: number;
  /** Wall clock for the budget; defaults to Date.now. */
  clock?: () => number;
  /** Wall-clock ms after which no log group and no page is started; a page in flight is abandoned. */
  stopAt?: number;
  /** The run's rule budget: a rule too slow for the run is switched off (and reported by the caller). */
  budget?: RuleBudget;
  /** Run-time variables per log group for `when:` (looked up before the group is read). */
  groupVariables?: GroupVariables;
}

/**
 * Reads each planned log group from its cursor (minus the overlap) to the plan's end, oldest cursor first
 * so a group left behind by a short run goes first next time. Hits the cursor has seen are skipped. Stops
 * starting groups and pages at `stopAt`; a group stopped mid-way reports how far it got (`readUntil`), which
 * relies on FilterLogEvents returning events in timestamp order (checked: out-of-order pages give no partial
 * progress). A failing group is recorded and never stops the others.
 */
export async function scanPlanned(
  plans: readonly ReadPlan[],
  rulesFor: ReadonlyMap<string, Rule[]>,
  source: LogSource,
  opts: PlannedScanOptions = {},
): Promise<GroupRead[]> {
  const clock = opts.clock ?? Date.now;
  const stopAt = opts.stopAt ?? Infinity;
  const reads = new Map<string, GroupRead>();
  const queue: ReadPlan[] = [];
  for (const plan of plans) {
    if (plan.idle) reads.set(plan.logGroup, emptyRead(plan, 'idle'));
    else queue.push(plan);
  }
  queue.sort((a, b) => a.from - b.from || a.logGroup.localeCompare(b.logGroup));
  // In reading order, with each group's own range: Insights batches groups that share a window into one query.
  hintReads(source, queue.map((p) => ({ logGroup: p.logGroup, startMs: p.readFrom, endMs: p.end })));
  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan; plan = queue.shift()) {
      if (clock() >= stopAt) {
        reads.set(plan.logGroup, emptyRead(plan, 'not-started'));
        continue;
      }
      const rules = rulesFor.get(plan.logGroup) ?? [];
      const { vars, error: variablesError } = await variablesOf(opts.groupVariables, plan.logGroup, rules);
      const read = await readGroup(plan, rules, source, stopAt, clock, opts.budget, vars);
      if (variablesError !== undefined) read.variablesError = variablesError;
      reads.set(plan.logGroup, read);
    }
  };
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 3, queue.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return plans.map((p) => reads.get(p.logGroup)!);
}

function emptyRead(plan: ReadPlan, status: 'idle' | 'not-started'): GroupRead {
  return { plan, status, events: 0, hits: [], newSeen: [], alreadySeen: 0, durationMs: 0 };
}

const TIMED_OUT = Symbol('timed out');

async function readGroup(
  plan: ReadPlan,
  rules: Rule[],
  source: LogSource,
  stopAt: number,
  clock: () => number,
  budget: RuleBudget | undefined,
  vars?: Readonly<Record<string, number>>,
): Promise<GroupRead> {
  const started = clock();
  const read: GroupRead = { plan, status: 'complete', events: 0, hits: [], newSeen: [], alreadySeen: 0, durationMs: 0 };
  let lastTs = Number.NEGATIVE_INFINITY;
  let ordered = true;
  let stoppedBy: 'budget' | 'error' | undefined;
  let iterator: AsyncIterator<LogEvent[]> | undefined;
  try {
    iterator = source.readEvents(plan.logGroup, plan.readFrom, plan.end)[Symbol.asyncIterator]();
    for (;;) {
      const left = stopAt - clock();
      const next = left > 0 ? await withTimeout(iterator.next(), left) : TIMED_OUT;
      if (next === TIMED_OUT) {
        stoppedBy = 'budget';
        break;
      }
      if (next.done) break;
      for (const event of next.value) {
        read.events += 1;
        if (event.timestamp < lastTs) ordered = false;
        else lastTs = event.timestamp;
      }
      // A page at a time under the matcher's watchdog; hits come back in event order.
      let last: LogEvent | undefined;
      for (const hit of matchEvents(rules, next.value, { ...(budget ? { budget } : {}), ...(vars ? { vars } : {}) })) {
        const entry = seenEntry(hit.event.timestamp, eventIdentity(hit.event));
        if (plan.seen.has(entry)) {
          read.alreadySeen += 1;
          continue;
        }
        if (hit.event !== last) read.newSeen.push(entry);
        last = hit.event;
        read.hits.push(hit);
      }
    }
  } catch (err) {
    stoppedBy = 'error';
    read.error = describeError(err);
  }
  if (stoppedBy === undefined) {
    read.readUntil = plan.end;
  } else {
    // Abandoned mid-way: stop the generator without waiting for a request still in flight.
    iterator?.return?.().catch(() => undefined);
    // Events come in timestamp order, so every event before the last one seen has been read.
    if (ordered && lastTs > Number.NEGATIVE_INFINITY) read.readUntil = Math.min(lastTs, plan.end);
    const touched = read.readUntil !== undefined || read.events > 0;
    read.status = touched ? 'partial' : stoppedBy === 'error' ? 'failed' : 'not-started';
  }
  read.durationMs = clock() - started;
  return read;
}

/** Resolves to TIMED_OUT after `ms`; the promise itself keeps running, its outcome is then ignored. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
