import { logGroupMatcher } from './config';
import type { Config, Rule, Settings } from './config/types';
import { HitGrouper, type Alert } from './dedup';
import { matchEvent } from './matching';
import type { LogSource } from './sources';

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
  opts: { concurrency?: number; clock?: () => number } = {},
): Promise<ScanResult> {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const result: ScanResult = { window, alerts: [], logGroups: 0, events: 0, hits: 0, failures: [], durationMs: 0 };
  const targets = await rulesByLogGroup(config.rules, source);
  result.logGroups = targets.size;
  const grouper = new HitGrouper();

  const queue = [...targets.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [logGroup, rules] = next;
      try {
        for await (const page of source.readEvents(logGroup, window.startMs, window.endMs)) {
          result.events += page.length;
          for (const event of page) {
            for (const hit of matchEvent(rules, event)) {
              result.hits += 1;
              grouper.add(hit);
            }
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
  result.durationMs = clock() - started;
  return result;
}

/** One read per log group serves every rule that targets it. */
async function rulesByLogGroup(rules: readonly Rule[], source: LogSource): Promise<Map<string, Rule[]>> {
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

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
