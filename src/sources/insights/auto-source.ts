import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { logGroupMatcher } from '../../config';
import type { Rule } from '../../config/types';
import { CloudWatchSource } from '../cloudwatch-source';
import { planEngine, type Engine, type PlanDecision, type ScaleSettings } from '../planner';
import { ApiCallCounter, RateLimiter } from '../rate-limit';
import { inShard, type ShardSpec } from '../shard';
import type { LogEvent, LogSource } from '../types';
import { InsightsSource, type ExpectedRead, type InsightsSourceOptions, type ReadHints } from './insights-source';
import { buildFilter } from './translate';

export interface AutoSourceOptions {
  settings: ScaleSettings;
  intervalMs: number;
  /** The previous run's engine (sticky choice). */
  previous?: Engine;
  /** Bytes per window across the resolved groups; default settings.bytesPerGroupPerWindow × groups. */
  bytesPerWindow?: (groups: readonly string[]) => number;
  /** Only this shard's groups are resolved (and so read). */
  shard?: ShardSpec;
  counter?: ApiCallCounter;
  insights?: Omit<InsightsSourceOptions, 'limiter' | 'counter' | 'fallback'>;
}

/**
 * The scanner's LogSource: resolves the log groups (this shard's only), asks the planner which engine the
 * run should use, and reads through it. One shared limiter (the shard's share of the configured TPS) paces
 * both engines; `decision` and `counter` are for the run log.
 */
export class AutoSource implements LogSource, ReadHints {
  decision?: PlanDecision;
  readonly counter: ApiCallCounter;
  readonly limiter: RateLimiter;
  private readonly filter: CloudWatchSource;
  private readonly insights: InsightsSource;
  private active: LogSource;

  constructor(
    client: CloudWatchLogsClient,
    private readonly rules: readonly Rule[],
    private readonly opts: AutoSourceOptions,
  ) {
    this.counter = opts.counter ?? new ApiCallCounter();
    this.limiter = opts.shard ? RateLimiter.shareOf(opts.settings.tps, opts.shard.count) : new RateLimiter(opts.settings.tps);
    this.filter = new CloudWatchSource(client, { limiter: this.limiter, counter: this.counter });
    const share = opts.shard ? opts.shard.count : 1;
    this.insights = new InsightsSource(client, rules, {
      maxConcurrentQueries: Math.max(1, Math.floor(opts.settings.maxConcurrentQueries / share)),
      groupsPerQuery: opts.settings.groupsPerQuery,
      ...opts.insights,
      limiter: this.limiter,
      counter: this.counter,
      fallback: this.filter,
    });
    this.active = this.filter;
  }

  async resolveLogGroups(patterns: string[]): Promise<string[]> {
    const all = await this.filter.resolveLogGroups(patterns);
    const shard = this.opts.shard;
    const groups = shard ? all.filter((g) => inShard(g, shard.index, shard.count)) : all;
    const matchers = this.rules.map((rule) => ({ rule, matches: rule.logGroups.map(logGroupMatcher) }));
    const eligibleByRules = new Map<string, boolean>();
    let eligible = 0;
    for (const g of groups) {
      const rules = matchers.filter((m) => m.matches.some((match) => match(g))).map((m) => m.rule);
      const key = rules.map((r) => r.id).join('\u0000');
      let ok = eligibleByRules.get(key);
      if (ok === undefined) eligibleByRules.set(key, (ok = rules.length > 0 && buildFilter(rules).ok));
      if (ok) eligible++;
    }
    this.decision = planEngine({
      groups: groups.length,
      insightsEligibleGroups: eligible,
      listedGroups: all.length,
      bytesPerWindow: this.opts.bytesPerWindow?.(groups) ?? groups.length * this.opts.settings.bytesPerGroupPerWindow,
      intervalMs: this.opts.intervalMs,
      ...(this.opts.previous ? { previous: this.opts.previous } : {}),
      settings: this.opts.settings,
    });
    this.active = this.decision.engine === 'insights' ? this.insights : this.filter;
    if (this.active === this.insights) this.insights.planGroups(groups);
    return groups;
  }

  expectReads(reads: readonly ExpectedRead[]): void {
    if (this.active === this.insights) this.insights.expectReads(reads);
  }

  readEvents(logGroup: string, startMs: number, endMs: number): AsyncIterable<LogEvent[]> {
    return this.active.readEvents(logGroup, startMs, endMs);
  }

  /** Stops Insights queries still running (call when the run ends early). */
  dispose(): Promise<void> {
    return this.insights.dispose();
  }
}
