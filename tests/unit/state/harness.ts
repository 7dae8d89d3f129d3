/** A scheduled run against in-memory logs, state and Slack, with the run clock under the test's control. */
import type { SlackPayload } from '../../../src/alerts';
import { DEFAULT_SETTINGS, type Config, type Rule, type Settings } from '../../../src/config/types';
import { runJob, type JobOptions, type JobResult, type PostPayload } from '../../../src/job';
import type { LogEvent, LogSource } from '../../../src/sources';
import { MemoryStateStore, type StateStore } from '../../../src/state';

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

interface Stored extends LogEvent {
  visibleAt: number;
}

/** Log groups in memory: an event is readable once the run clock reaches its `visibleAt` (late ingestion). */
export class TimedSource implements LogSource {
  readonly groups = new Map<string, Stored[]>();
  readonly failing = new Map<string, Error>();
  readonly reads: { group: string; start: number; end: number }[] = [];
  now = 0;
  pageSize = 2;
  /** Wall-clock delay per page. */
  latencyMs = 0;
  private seq = 0;

  add(group: string, timestamp: number, message: string, delayMs = 0): void {
    const list = this.groups.get(group) ?? [];
    list.push({ logGroup: group, logStream: 's', timestamp, message, eventId: `e${++this.seq}`, visibleAt: timestamp + delayMs });
    list.sort((a, b) => a.timestamp - b.timestamp);
    this.groups.set(group, list);
  }

  async resolveLogGroups(): Promise<string[]> {
    return [...this.groups.keys()].sort();
  }

  async *readEvents(group: string, start: number, end: number): AsyncIterable<LogEvent[]> {
    this.reads.push({ group, start, end });
    const failure = this.failing.get(group);
    if (failure) throw failure;
    const visible = (this.groups.get(group) ?? []).filter((e) => e.visibleAt <= this.now && e.timestamp >= start && e.timestamp < end);
    for (let i = 0; i < visible.length || i === 0; i += this.pageSize) {
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      const page = visible.slice(i, i + this.pageSize).map(({ visibleAt: _v, ...e }) => e);
      if (page.length) yield page;
      if (visible.length === 0) break;
    }
  }
}

export interface Harness {
  source: TimedSource;
  store: MemoryStateStore;
  posted: SlackPayload[];
  /** The config every tick runs with (tests may add problems to it). */
  config: Config;
  /** Scanner health notes posted (ops channel). */
  health: SlackPayload[];
  /** The next n posts fail (retryably, like a Slack 500 after the sender's retries). */
  failNextPosts(n: number): void;
  tick(now: number, opts?: { deadlineInMs?: number; store?: StateStore; runId?: string; job?: Partial<JobOptions> }): Promise<JobResult>;
  /** Markers (`mk` + letters) in delivered payloads, with how often each arrived. */
  delivered(): Map<string, number>;
}

export function harness(rules: Rule[], settings: Partial<Settings> = {}): Harness {
  const source = new TimedSource();
  const store = new MemoryStateStore();
  const posted: SlackPayload[] = [];
  const health: SlackPayload[] = [];
  let failures = 0;
  const post: PostPayload = async (payload) => {
    if (failures > 0) {
      failures -= 1;
      return { delivered: false, error: 'rejected with HTTP 500: rollup_error (after 4 attempts)', retryable: true };
    }
    // The scanner's own health notes are kept apart: these tests count alert posts.
    (payload.text.startsWith('🩺') ? health : posted).push(payload);
    return { delivered: true };
  };
  const config: Config = { settings: { ...DEFAULT_SETTINGS, ...settings }, rules, problems: [] };
  return {
    source,
    store,
    posted,
    health,
    config,
    failNextPosts(n) {
      failures = n;
    },
    tick(now, opts = {}) {
      source.now = now;
      return runJob({
        configDir: 'unused',
        config,
        source,
        region: 'us-east-1',
        now,
        state: opts.store ?? store,
        post,
        ...(opts.deadlineInMs !== undefined ? { deadlineAt: Date.now() + opts.deadlineInMs } : {}),
        ...(opts.runId ? { runId: opts.runId } : {}),
        ...opts.job,
      });
    },
    delivered() {
      const counts = new Map<string, number>();
      for (const p of posted) {
        for (const m of new Set(JSON.stringify(p).match(/\bmk[a-z]+\b/g) ?? [])) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      return counts;
    },
  };
}

export { marker } from '../../support/marker';
