import {
  CloudWatchLogsClient,
  GetLogRecordCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type GetQueryResultsCommandOutput,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import { logGroupMatcher } from '../../config';
import type { Rule } from '../../config/types';
import { CloudWatchSource } from '../cloudwatch-source';
import { ApiCallCounter, instrumentClient, realClock, type Clock, type RateLimiter } from '../rate-limit';
import type { LogEvent, LogSource } from '../types';
import { buildFilter } from './translate';

/**
 * Reads log groups through CloudWatch Logs Insights: up to 50 groups per StartQuery, with a server-side
 * `filter` built from the rules so only candidate lines come back. The scan still runs every JS regex and
 * exclude on what comes back, so the filter only has to keep a superset (see translate.ts); batches whose
 * rules cannot be translated safely are read with FilterLogEvents instead (the fallback source).
 *
 * - Batches: groups with the same rule set and read window, in the order they will be read, ≤ groupsPerQuery.
 * - The first readEvents of any group in a batch starts that batch's query (and prefetches the next ones);
 *   every other group of the batch is then served from the buffer.
 * - At most maxConcurrentQueries queries are Scheduled/Running at once (the account-wide quota is shared with
 *   people and dashboards, so the default is a share of it); LimitExceededException waits and retries.
 * - Polling GetQueryResults backs off from pollInitialMs to pollMaxMs.
 * - A query that returns the row cap (or reports more matches than rows) is split into two halves of its time
 *   range, down to one second, then into halves of its log groups, and a single group/second still over the
 *   cap is read with FilterLogEvents: nothing is silently truncated.
 * - Event ids are Insights' `@ptr` (an opaque, per-record pointer), stable across queries, so the overlap
 *   dedup by eventId works between runs of this engine. They differ from FilterLogEvents' eventIds: switching
 *   engines between two runs may count a hit in the overlap twice (the planner is sticky for that reason).
 */

export interface InsightsSourceOptions {
  limiter?: RateLimiter;
  counter?: ApiCallCounter;
  /** Reads batches that Insights cannot serve; defaults to a CloudWatchSource on the same client. */
  fallback?: LogSource;
  /** Log groups per query; the API allows 50. */
  groupsPerQuery?: number;
  /** Queries in flight at once; default 10 (the account quota, 30 to 100, is shared with everyone). */
  maxConcurrentQueries?: number;
  /** Rows one query may return before it is split; the classic API caps `limit` at 10,000. */
  rowCap?: number;
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** A query not done after this long is stopped and its batch read with FilterLogEvents. */
  queryTimeoutMs?: number;
  /**
   * Batches started ahead of the reader; default all of them (the concurrency limit still applies, and
   * results are only the filtered lines). Without read hints a prefetched batch assumes the window of the
   * read that triggered it; a group later read with another window gets a query of its own.
   */
  prefetchBatches?: number;
  /**
   * Messages at least this long may have been cut by Insights; they are re-read whole with GetLogRecord.
   * Off by default (unset): set it (e.g. 1000) if your account's results show truncated @message values.
   */
  truncatedMessageChars?: number;
  clock?: Clock;
}

/** A read the scan is about to make; lets batches match the windows exactly. */
export interface ExpectedRead {
  logGroup: string;
  startMs: number;
  endMs: number;
}

/** Sources that can use advance notice of the reads (see `hintReads`). */
export interface ReadHints {
  expectReads(reads: readonly ExpectedRead[]): void;
}

/** Tells `source` which reads follow, if it wants to know; a no-op for other sources. */
export function hintReads(source: LogSource, reads: readonly ExpectedRead[]): void {
  const s = source as Partial<ReadHints>;
  if (typeof s.expectReads === 'function') s.expectReads(reads);
}

const FALLBACK = Symbol('fallback');
type GroupResult = LogEvent[] | typeof FALLBACK;

interface Batch {
  groups: string[];
  rules: Rule[];
  /** The server filter, or undefined when the rules do not translate (read with FilterLogEvents). */
  filter?: string;
  window?: { startMs: number; endMs: number };
}

interface Fetch {
  batch: Batch;
  startMs: number;
  endMs: number;
  result: Promise<Map<string, GroupResult>>;
  unread: Set<string>;
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

class QueryFailed extends Error {
  constructor(
    message: string,
    readonly splittable: boolean,
  ) {
    super(message);
  }
}

const PAGE = 1000;

export class InsightsSource implements LogSource, ReadHints {
  readonly counter: ApiCallCounter;
  private readonly fallback: LogSource;
  private readonly groupsPerQuery: number;
  private readonly rowCap: number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly queryTimeoutMs: number;
  private readonly prefetch: number;
  private readonly clock: Clock;
  private readonly slots: Semaphore;
  private readonly ruleMatchers: { rule: Rule; matches: ((g: string) => boolean)[] }[];
  private readonly filterByRules = new Map<string, ReturnType<typeof buildFilter>>();
  private batches: Batch[] = [];
  private readonly batchOf = new Map<string, Batch>();
  private readonly fetches: Fetch[] = [];
  private readonly running = new Set<string>();
  /** Recent query latencies (ms): the first poll of a query waits about that long instead of polling early. */
  private readonly latencies: number[] = [];

  constructor(
    private readonly client: CloudWatchLogsClient,
    rules: readonly Rule[],
    private readonly opts: InsightsSourceOptions = {},
  ) {
    this.counter = opts.counter ?? new ApiCallCounter();
    instrumentClient(client, { ...(opts.limiter ? { limiter: opts.limiter } : {}), counter: this.counter });
    this.fallback = opts.fallback ?? new CloudWatchSource(client);
    this.groupsPerQuery = Math.max(1, Math.min(opts.groupsPerQuery ?? 50, 50));
    this.rowCap = opts.rowCap ?? 10_000;
    this.pollInitialMs = opts.pollInitialMs ?? 500;
    this.pollMaxMs = opts.pollMaxMs ?? 5_000;
    this.queryTimeoutMs = opts.queryTimeoutMs ?? 120_000;
    const concurrency = Math.max(1, opts.maxConcurrentQueries ?? 10);
    this.slots = new Semaphore(concurrency);
    this.prefetch = opts.prefetchBatches ?? Infinity;
    this.clock = opts.clock ?? realClock;
    this.ruleMatchers = rules.map((rule) => ({ rule, matches: rule.logGroups.map(logGroupMatcher) }));
  }

  async resolveLogGroups(patterns: string[]): Promise<string[]> {
    const groups = await this.fallback.resolveLogGroups(patterns);
    this.plan(groups.map((logGroup) => ({ logGroup })));
    return groups;
  }

  expectReads(reads: readonly ExpectedRead[]): void {
    this.plan(reads);
  }

  /** Batches for groups resolved elsewhere (in the order they will be read); windows come with the reads. */
  planGroups(groups: readonly string[]): void {
    this.plan(groups.map((logGroup) => ({ logGroup })));
  }

  /** Groups the reads into batches: same rule set (and same window when known), in reading order. */
  private plan(reads: readonly { logGroup: string; startMs?: number; endMs?: number }[]): void {
    const byKey = new Map<string, { rules: Rule[]; reads: typeof reads[number][] }>();
    for (const read of reads) {
      const rules = this.rulesFor(read.logGroup);
      const key = `${rules.map((r) => r.id).join('\u0000')}\u0001${read.startMs ?? ''}\u0001${read.endMs ?? ''}`;
      const entry = byKey.get(key) ?? { rules, reads: [] };
      entry.reads.push(read);
      byKey.set(key, entry);
    }
    const batches: Batch[] = [];
    for (const { rules, reads: members } of byKey.values()) {
      const filter = this.filterFor(rules);
      for (let i = 0; i < members.length; i += this.groupsPerQuery) {
        const chunk = members.slice(i, i + this.groupsPerQuery);
        const first = chunk[0]!;
        batches.push({
          groups: chunk.map((r) => r.logGroup),
          rules,
          ...(filter.ok ? { filter: filter.filter } : {}),
          ...(first.startMs !== undefined && first.endMs !== undefined ? { window: { startMs: first.startMs, endMs: first.endMs } } : {}),
        });
      }
    }
    this.batches = batches;
    for (const b of batches) for (const g of b.groups) this.batchOf.set(g, b);
    this.counter.add('insightsBatchesPlanned', batches.filter((b) => b.filter).length);
    this.counter.add('filterBatchesPlanned', batches.filter((b) => !b.filter).length);
  }

  private rulesFor(group: string): Rule[] {
    return this.ruleMatchers.filter((m) => m.matches.some((match) => match(group))).map((m) => m.rule);
  }

  private filterFor(rules: Rule[]): ReturnType<typeof buildFilter> {
    const key = rules.map((r) => r.id).join('\u0000');
    let f = this.filterByRules.get(key);
    if (!f) {
      f = rules.length ? buildFilter(rules) : { ok: false, reason: 'no rules' };
      this.filterByRules.set(key, f);
    }
    return f;
  }

  async *readEvents(logGroup: string, startMs: number, endMs: number): AsyncIterable<LogEvent[]> {
    let batch = this.batchOf.get(logGroup);
    if (!batch) {
      const rules = this.rulesFor(logGroup);
      const filter = this.filterFor(rules);
      batch = { groups: [logGroup], rules, ...(filter.ok ? { filter: filter.filter } : {}) };
      this.batchOf.set(logGroup, batch);
    }
    if (!batch.filter) {
      yield* this.fallback.readEvents(logGroup, startMs, endMs);
      return;
    }
    const fetch = this.fetchFor(batch, logGroup, startMs, endMs);
    const results = await fetch.result;
    fetch.unread.delete(logGroup);
    if (fetch.unread.size === 0) this.fetches.splice(this.fetches.indexOf(fetch), 1);
    const events = results.get(logGroup);
    results.delete(logGroup);
    if (events === FALLBACK) {
      yield* this.fallback.readEvents(logGroup, startMs, endMs);
      return;
    }
    const inWindow = (events ?? []).filter((e) => e.timestamp >= startMs && e.timestamp < endMs);
    for (let i = 0; i < inWindow.length; i += PAGE) yield inWindow.slice(i, i + PAGE);
  }

  /** The fetch that covers this read, starting it (and prefetching the batches after it) if there is none. */
  private fetchFor(batch: Batch, group: string, startMs: number, endMs: number): Fetch {
    const covering = this.fetches.find((f) => f.unread.has(group) && f.startMs <= startMs && f.endMs >= endMs);
    if (covering) return covering;
    const fetch = this.startFetch(batch, batch.window ?? { startMs, endMs }, startMs, endMs);
    const index = this.batches.indexOf(batch);
    if (index >= 0) {
      const end = this.prefetch === Infinity ? this.batches.length : index + 1 + this.prefetch;
      for (const next of this.batches.slice(index + 1, end)) {
        if (!next.filter) continue;
        const window = next.window ?? { startMs, endMs };
        if (!this.fetches.some((f) => f.batch === next && f.startMs <= window.startMs && f.endMs >= window.endMs)) {
          this.startFetch(next, window, window.startMs, window.endMs);
        }
      }
    }
    return fetch;
  }

  private startFetch(batch: Batch, window: { startMs: number; endMs: number }, startMs: number, endMs: number): Fetch {
    const from = Math.min(window.startMs, startMs);
    const to = Math.max(window.endMs, endMs);
    const result = this.fetchBatch(batch, from, to);
    result.catch(() => undefined);
    const fetch: Fetch = { batch, startMs: from, endMs: to, result, unread: new Set(batch.groups) };
    this.fetches.push(fetch);
    return fetch;
  }

  private async fetchBatch(batch: Batch, startMs: number, endMs: number): Promise<Map<string, GroupResult>> {
    const out = new Map<string, GroupResult>();
    for (const g of batch.groups) out.set(g, []);
    // Seconds, both ends inclusive: [startMs, endMs) is inside [floor(start), ceil(end)] (trimmed locally).
    const fromSec = Math.floor(startMs / 1000);
    const toSec = Math.max(fromSec, Math.ceil(endMs / 1000));
    await this.runRange(batch, batch.groups, fromSec, toSec, startMs, endMs, out);
    for (const [g, events] of out) {
      if (events === FALLBACK) continue;
      events.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    }
    return out;
  }

  private async runRange(
    batch: Batch,
    groups: string[],
    fromSec: number,
    toSec: number,
    startMs: number,
    endMs: number,
    out: Map<string, GroupResult>,
  ): Promise<void> {
    let rows: ResultField[][];
    let matched: number;
    try {
      ({ rows, matched } = await this.query(groups, fromSec, toSec, batch.filter!));
    } catch (err) {
      if (err instanceof QueryFailed && err.splittable && groups.length > 1) {
        // e.g. one group deleted since it was listed: halve until the bad one stands alone.
        this.counter.add('insightsGroupSplits');
        const mid = Math.ceil(groups.length / 2);
        await Promise.all([
          this.runRange(batch, groups.slice(0, mid), fromSec, toSec, startMs, endMs, out),
          this.runRange(batch, groups.slice(mid), fromSec, toSec, startMs, endMs, out),
        ]);
        return;
      }
      this.counter.add('insightsFallbackGroups', groups.length);
      for (const g of groups) out.set(g, FALLBACK);
      return;
    }
    if (rows.length >= this.rowCap || matched > rows.length) {
      this.counter.add('insightsRowCapSplits');
      if (toSec > fromSec) {
        const mid = Math.floor((fromSec + toSec) / 2);
        await Promise.all([
          this.runRange(batch, groups, fromSec, mid, startMs, endMs, out),
          this.runRange(batch, groups, mid + 1, toSec, startMs, endMs, out),
        ]);
      } else if (groups.length > 1) {
        const mid = Math.ceil(groups.length / 2);
        await Promise.all([
          this.runRange(batch, groups.slice(0, mid), fromSec, toSec, startMs, endMs, out),
          this.runRange(batch, groups.slice(mid), fromSec, toSec, startMs, endMs, out),
        ]);
      } else {
        // One group, one second, still over the cap: FilterLogEvents pages through all of it.
        const group = groups[0]!;
        this.counter.add('insightsRowCapFallbacks');
        const events = out.get(group);
        if (events === FALLBACK || events === undefined) return;
        const from = Math.max(fromSec * 1000, startMs);
        const to = Math.min((toSec + 1) * 1000, endMs);
        for await (const page of this.fallback.readEvents(group, from, to)) events.push(...page);
      }
      return;
    }
    for (const row of rows) {
      const event = await this.toEvent(row);
      if (!event) continue;
      const list = out.get(event.logGroup);
      if (list !== undefined && list !== FALLBACK) list.push(event);
    }
  }

  private async toEvent(row: ResultField[]): Promise<LogEvent | undefined> {
    const f: Record<string, string> = {};
    for (const { field, value } of row) if (field !== undefined && value !== undefined) f[field] = value;
    const log = f['@log'];
    const ptr = f['@ptr'];
    const ts = f['@timestamp'];
    if (log === undefined || ptr === undefined || ts === undefined || f['@message'] === undefined) return undefined;
    let message = f['@message'];
    if (this.opts.truncatedMessageChars !== undefined && message.length >= this.opts.truncatedMessageChars) {
      const record = await this.client.send(new GetLogRecordCommand({ logRecordPointer: ptr }));
      message = record.logRecord?.['@message'] ?? message;
      this.counter.add('insightsMessagesReread');
    }
    return {
      // `@log` is "accountId:logGroupName"; the name itself may contain ':'? No: log group names cannot.
      logGroup: log.slice(log.indexOf(':') + 1),
      logStream: f['@logStream'] ?? '',
      timestamp: parseInsightsTime(ts),
      message,
      eventId: ptr,
    };
  }

  /** One query to completion: start (waiting for a slot), poll with backoff, collect every page. */
  private async query(groups: string[], fromSec: number, toSec: number, filter: string): Promise<{ rows: ResultField[][]; matched: number }> {
    const queryString = `fields @timestamp, @message, @logStream, @log | filter ${filter} | sort @timestamp asc | limit ${this.rowCap}`;
    await this.slots.acquire();
    let queryId: string | undefined;
    try {
      const deadline = this.clock.now() + this.queryTimeoutMs;
      let wait = this.pollInitialMs;
      for (;;) {
        try {
          const started = await this.client.send(
            new StartQueryCommand({ logGroupNames: groups, startTime: fromSec, endTime: toSec, queryString, limit: this.rowCap }),
          );
          queryId = started.queryId;
          break;
        } catch (err) {
          const name = (err as Error).name;
          // Someone else's queries fill the account's concurrency: wait for a slot to free up.
          if (name === 'LimitExceededException' && this.clock.now() + wait < deadline) {
            this.counter.add('insightsConcurrencyWaits');
            await this.clock.sleep(wait);
            wait = Math.min(wait * 2, this.pollMaxMs);
            continue;
          }
          throw new QueryFailed(`${name}: ${(err as Error).message}`, name === 'ResourceNotFoundException');
        }
      }
      if (!queryId) throw new QueryFailed('StartQuery returned no queryId', false);
      this.running.add(queryId);
      this.counter.add('insightsQueries');
      const startedAt = this.clock.now();
      // First poll when the run's queries have typically been seen complete (none yet: pollInitialMs), then
      // back off. The samples are upper bounds (when a poll found the query done), so the estimate never
      // drifts below the real latency: once a run has seen a few queries, most take one poll. GetQueryResults
      // shares the account's 5 TPS with everyone's tooling.
      wait = Math.max(this.pollInitialMs, Math.min(this.pollMaxMs * 2, this.typicalLatency()));
      let backoff = this.pollInitialMs;
      let first: GetQueryResultsCommandOutput | undefined;
      for (;;) {
        await this.clock.sleep(wait);
        const res = await this.client.send(new GetQueryResultsCommand({ queryId }));
        if (res.status === 'Complete') {
          first = res;
          this.latencies.push(this.clock.now() - startedAt);
          if (this.latencies.length > 20) this.latencies.shift();
          break;
        }
        if (res.status !== 'Scheduled' && res.status !== 'Running' && res.status !== 'Unknown') {
          throw new QueryFailed(`query ${res.status}`, false);
        }
        if (this.clock.now() >= deadline) {
          await this.client.send(new StopQueryCommand({ queryId })).catch(() => undefined);
          throw new QueryFailed(`query not done after ${this.queryTimeoutMs} ms`, false);
        }
        wait = backoff;
        backoff = Math.min(Math.ceil(backoff * 1.5), this.pollMaxMs);
      }
      this.running.delete(queryId);
      const rows = [...(first.results ?? [])];
      for (let token = first.nextToken; token; ) {
        const page = await this.client.send(new GetQueryResultsCommand({ queryId, nextToken: token }));
        rows.push(...(page.results ?? []));
        token = page.nextToken;
      }
      const stats = first.statistics ?? {};
      this.counter.add('insightsBytesScanned', stats.bytesScanned ?? 0);
      this.counter.add('insightsRecordsScanned', stats.recordsScanned ?? 0);
      this.counter.add('insightsRecordsMatched', stats.recordsMatched ?? 0);
      this.counter.add('insightsRows', rows.length);
      return { rows, matched: stats.recordsMatched ?? rows.length };
    } catch (err) {
      if (err instanceof QueryFailed) throw err;
      throw new QueryFailed(`${(err as Error).name}: ${(err as Error).message}`, false);
    } finally {
      if (queryId) this.running.delete(queryId);
      this.slots.release();
    }
  }

  private typicalLatency(): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  /** Stops queries still running (a run out of time leaves them behind otherwise, still billing). */
  async dispose(): Promise<void> {
    await Promise.all([...this.running].map((queryId) => this.client.send(new StopQueryCommand({ queryId })).catch(() => undefined)));
    this.running.clear();
  }
}

/** Insights prints @timestamp as "2024-05-01 12:00:00.000" in UTC. */
export function parseInsightsTime(value: string): number {
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) && /^\d+$/.test(value)) return Number(value);
  return ms;
}
