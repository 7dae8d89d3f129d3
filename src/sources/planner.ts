import { DEFAULT_TPS, type LogsApi } from './rate-limit';

/**
 * Which read engine a run uses, from a cost + quota model. Pure: the caller supplies the counts.
 *
 * FilterLogEvents ("filter"): no per-GB charge, but one log group per request, so a run needs at least one
 * request per group (more for groups with more than a page in the window) and the API has a hard 5 TPS per
 * account and Region, shared with every person and tool in the account. 1,000 groups take ≥ 200 s of the
 * whole account's FilterLogEvents capacity every tick.
 *
 * Logs Insights ("insights"): up to 50 groups per query, a handful of requests per query, but every byte in
 * the queried groups and time range is billed ($0.005 per GB scanned in us-east-1), and the account's
 * concurrent-query quota is shared with dashboards and people.
 *
 * auto: filter while its requests fit in `maxQuotaShare` of the interval (it is free); otherwise insights
 * when its bytes are within budget; otherwise whichever occupies less of the interval. Given the previous
 * run's engine, it keeps it unless the other one is clearly better, so a group count near the threshold does
 * not flip engines every run (a flip is safe: the cursor overlap is remembered by event identity, not id).
 */

export type Engine = 'filter' | 'insights';

export interface ScaleSettings {
  /** `auto` picks per run; `filter` / `insights` force an engine. */
  engine: 'auto' | Engine;
  /** Requests per second the scanner allows itself, per API (a share of the account quota). */
  tps: Partial<Record<LogsApi, number>>;
  /** Insights queries in flight at once (the account quota is 30 to 100, shared). */
  maxConcurrentQueries: number;
  groupsPerQuery: number;
  /** Longest share of the interval the filter engine may keep FilterLogEvents busy (0..1). */
  maxQuotaShare: number;
  /** USD per GB scanned by Insights (us-east-1 list price). */
  insightsUsdPerGb: number;
  /** Most the scanner may spend on Insights per run before auto prefers filter anyway (USD). */
  maxInsightsUsdPerRun: number;
  /** Typical Insights query latency for a window, seconds (for the time estimate). */
  insightsQuerySeconds: number;
  /** Lambda duration price, USD per GB-second (arm64, us-east-1), and the function's memory. */
  lambdaUsdPerGbSecond: number;
  memoryMb: number;
  /** Expected log bytes per group per window, when nothing better (storedBytes history) is known. */
  bytesPerGroupPerWindow: number;
}

export const DEFAULT_SCALE_SETTINGS: ScaleSettings = {
  engine: 'auto',
  tps: { ...DEFAULT_TPS },
  maxConcurrentQueries: 10,
  groupsPerQuery: 50,
  maxQuotaShare: 0.5,
  insightsUsdPerGb: 0.005,
  maxInsightsUsdPerRun: 0.05,
  insightsQuerySeconds: 5,
  lambdaUsdPerGbSecond: 0.0000133334,
  memoryMb: 512,
  bytesPerGroupPerWindow: 100_000,
};

export interface PlanInput {
  /** Log groups the run reads. */
  groups: number;
  /** Of those, groups whose rules translate to a server filter (the rest are read with FilterLogEvents anyway). */
  insightsEligibleGroups?: number;
  /** All log groups listed to resolve patterns (DescribeLogGroups pages are 50 groups). */
  listedGroups?: number;
  /** Bytes ingested per window across the groups read (e.g. storedBytes deltas, or a setting). */
  bytesPerWindow: number;
  /** Events per window across the groups (page estimate); defaults to bytes / 200. */
  eventsPerWindow?: number;
  intervalMs: number;
  previous?: Engine;
  settings?: Partial<ScaleSettings>;
}

export interface EngineEstimate {
  engine: Engine;
  calls: Partial<Record<LogsApi, number>>;
  totalCalls: number;
  /** Time the run spends at the allowed TPS (and query latency), seconds. */
  seconds: number;
  /** seconds / interval. */
  shareOfInterval: number;
  /** Insights bytes scanned + Lambda duration, USD per run. */
  usd: number;
  gbScanned: number;
  feasible: boolean;
  why: string;
}

export interface PlanDecision {
  engine: Engine;
  forced: boolean;
  reason: string;
  filter: EngineEstimate;
  insights: EngineEstimate;
}

const FILTER_PAGE_BYTES = 1_048_576;
const FILTER_PAGE_EVENTS = 10_000;

const tpsOf = (s: ScaleSettings, api: LogsApi) => s.tps[api] ?? DEFAULT_TPS[api];

function lambdaUsd(s: ScaleSettings, seconds: number): number {
  return seconds * (s.memoryMb / 1024) * s.lambdaUsdPerGbSecond;
}

/** FilterLogEvents pages for `groups` groups holding `bytes` / `events` in the window (at least one each). */
export function filterPages(groups: number, bytes: number, events: number): number {
  if (groups === 0) return 0;
  const perGroupPages = Math.max(1, Math.ceil(bytes / groups / FILTER_PAGE_BYTES), Math.ceil(events / groups / FILTER_PAGE_EVENTS));
  return groups * perGroupPages;
}

export function estimateFilter(input: PlanInput, s: ScaleSettings): EngineEstimate {
  const describe = Math.max(1, Math.ceil((input.listedGroups ?? input.groups) / 50));
  const events = input.eventsPerWindow ?? input.bytesPerWindow / 200;
  const pages = filterPages(input.groups, input.bytesPerWindow, events);
  const seconds = describe / tpsOf(s, 'DescribeLogGroups') + pages / tpsOf(s, 'FilterLogEvents');
  const share = seconds / (input.intervalMs / 1000);
  const feasible = share <= s.maxQuotaShare;
  return {
    engine: 'filter',
    calls: { DescribeLogGroups: describe, FilterLogEvents: pages },
    totalCalls: describe + pages,
    seconds,
    shareOfInterval: share,
    usd: lambdaUsd(s, seconds),
    gbScanned: 0,
    feasible,
    why: feasible
      ? `${pages} FilterLogEvents requests at ${tpsOf(s, 'FilterLogEvents')} TPS take ${pct(share)} of the interval`
      : `${pages} FilterLogEvents requests at ${tpsOf(s, 'FilterLogEvents')} TPS would hold the account's quota for ${pct(share)} of every interval (max ${pct(s.maxQuotaShare)})`,
  };
}

export function estimateInsights(input: PlanInput, s: ScaleSettings): EngineEstimate {
  const eligible = Math.min(input.groups, input.insightsEligibleGroups ?? input.groups);
  const rest = input.groups - eligible;
  const describe = Math.max(1, Math.ceil((input.listedGroups ?? input.groups) / 50));
  const queries = Math.ceil(eligible / Math.max(1, Math.min(s.groupsPerQuery, 50)));
  // Polls: backoff from 0.5 s towards 5 s; about one poll per second of latency, and at least one.
  const polls = queries * Math.max(1, Math.ceil(s.insightsQuerySeconds / 1.2));
  const share = input.groups ? eligible / input.groups : 0;
  const bytes = input.bytesPerWindow * share;
  const events = (input.eventsPerWindow ?? input.bytesPerWindow / 200) * (1 - share);
  const filterPagesLeft = filterPages(rest, input.bytesPerWindow * (1 - share), events);
  const waves = Math.ceil(queries / Math.max(1, s.maxConcurrentQueries));
  const seconds =
    describe / tpsOf(s, 'DescribeLogGroups') +
    Math.max(queries / tpsOf(s, 'StartQuery'), polls / tpsOf(s, 'GetQueryResults'), waves * s.insightsQuerySeconds, filterPagesLeft / tpsOf(s, 'FilterLogEvents'));
  const gb = bytes / 1e9;
  const usd = gb * s.insightsUsdPerGb + lambdaUsd(s, seconds);
  const intervalShare = seconds / (input.intervalMs / 1000);
  const feasible = gb * s.insightsUsdPerGb <= s.maxInsightsUsdPerRun && intervalShare <= 1 && filterPagesLeft / tpsOf(s, 'FilterLogEvents') <= (input.intervalMs / 1000) * s.maxQuotaShare;
  return {
    engine: 'insights',
    calls: { DescribeLogGroups: describe, StartQuery: queries, GetQueryResults: polls, ...(filterPagesLeft ? { FilterLogEvents: filterPagesLeft } : {}) },
    totalCalls: describe + queries + polls + filterPagesLeft,
    seconds,
    shareOfInterval: intervalShare,
    usd,
    gbScanned: gb,
    feasible,
    why: `${queries} queries scanning ${gb.toFixed(3)} GB ($${(gb * s.insightsUsdPerGb).toFixed(4)} per run, budget $${s.maxInsightsUsdPerRun})`,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Chooses the engine for one run and returns the numbers behind the choice (log them with the run). */
export function planEngine(input: PlanInput): PlanDecision {
  const s: ScaleSettings = { ...DEFAULT_SCALE_SETTINGS, ...input.settings, tps: { ...DEFAULT_SCALE_SETTINGS.tps, ...input.settings?.tps } };
  const filter = estimateFilter(input, s);
  const insights = estimateInsights(input, s);
  const decide = (engine: Engine, reason: string, forced = false): PlanDecision => ({ engine, forced, reason, filter, insights });
  if (s.engine !== 'auto') return decide(s.engine, `engine: ${s.engine} in settings`, true);
  if (input.groups === 0) return decide(input.previous ?? 'filter', 'no log groups to read');
  if ((input.insightsEligibleGroups ?? input.groups) === 0) return decide('filter', 'no rule set translates to an Insights filter');

  let pick: Engine;
  let reason: string;
  if (filter.feasible) {
    pick = 'filter';
    reason = `filter: ${filter.why}; no per-GB charge`;
  } else if (insights.feasible) {
    pick = 'insights';
    reason = `insights: ${filter.why}; ${insights.why}`;
  } else {
    pick = filter.shareOfInterval <= insights.shareOfInterval ? 'filter' : 'insights';
    reason = `neither fits (${filter.why}; ${insights.why}): ${pick} occupies less of the interval`;
  }
  // Stickiness: keep the previous engine while it is still feasible and the new pick is not clearly better.
  const prev = input.previous;
  if (prev && prev !== pick) {
    const prevEst = prev === 'filter' ? filter : insights;
    const pickEst = pick === 'filter' ? filter : insights;
    if (prevEst.feasible && prevEst.shareOfInterval <= pickEst.shareOfInterval * 1.5 + 0.05 && prevEst.usd <= pickEst.usd * 1.2 + 0.001) {
      return decide(prev, `kept ${prev} from the previous run (still feasible; ${reason})`);
    }
  }
  return decide(pick, reason);
}

/** Reads the scale settings from a plain object (settings.yml `scale:` or env), ignoring unknown or bad values. */
export function scaleSettingsFrom(raw: Record<string, unknown> | undefined): ScaleSettings {
  const s: ScaleSettings = { ...DEFAULT_SCALE_SETTINGS, tps: { ...DEFAULT_SCALE_SETTINGS.tps } };
  if (!raw) return s;
  if (raw.engine === 'auto' || raw.engine === 'filter' || raw.engine === 'insights') s.engine = raw.engine;
  const num = (k: keyof ScaleSettings, min: number, max: number) => {
    const v = raw[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) (s as unknown as Record<string, number>)[k] = v;
  };
  num('maxConcurrentQueries', 1, 100);
  num('groupsPerQuery', 1, 50);
  num('maxQuotaShare', 0.01, 1);
  num('insightsUsdPerGb', 0, 1);
  num('maxInsightsUsdPerRun', 0, 1000);
  num('insightsQuerySeconds', 0.1, 900);
  num('lambdaUsdPerGbSecond', 0, 1);
  num('memoryMb', 128, 10240);
  num('bytesPerGroupPerWindow', 0, 1e12);
  if (raw.tps && typeof raw.tps === 'object') {
    for (const [api, v] of Object.entries(raw.tps as Record<string, unknown>)) {
      if (api in DEFAULT_TPS && typeof v === 'number' && v > 0 && v <= 1000) s.tps[api as LogsApi] = v;
    }
  }
  return s;
}

/** The run log's view of a decision: the engine, why, and the chosen engine's estimate (calls, time, cost). */
export interface EngineSummary {
  engine: Engine;
  forced: boolean;
  reason: string;
  estimatedCalls: Partial<Record<LogsApi, number>>;
  estimatedTotalCalls: number;
  estimatedSeconds: number;
  estimatedUsd: number;
  estimatedGbScanned: number;
  /** The other engine's estimate, for comparison. */
  alternative: { engine: Engine; totalCalls: number; seconds: number; usd: number; feasible: boolean };
  /** The volume the estimates assumed: measured by earlier runs, or the `bytesPerGroupPerWindow` setting. */
  volume?: { bytesPerGroupPerWindow: number; measured: boolean };
}

export function engineSummary(d: PlanDecision): EngineSummary {
  const chosen = d.engine === 'filter' ? d.filter : d.insights;
  const other = d.engine === 'filter' ? d.insights : d.filter;
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    engine: d.engine,
    forced: d.forced,
    reason: d.reason,
    estimatedCalls: chosen.calls,
    estimatedTotalCalls: chosen.totalCalls,
    estimatedSeconds: round(chosen.seconds, 2),
    estimatedUsd: round(chosen.usd, 6),
    estimatedGbScanned: round(chosen.gbScanned, 6),
    alternative: { engine: other.engine, totalCalls: other.totalCalls, seconds: round(other.seconds, 2), usd: round(other.usd, 6), feasible: other.feasible },
  };
}
