/**
 * Client-side pacing for the CloudWatch Logs read APIs. The quotas are per account and Region and shared
 * with every other tool and person in the account (the console, dashboards, CLI scripts), so the scanner
 * paces itself to a configured share instead of leaning on throttling + retries: a throttle that the SDK's
 * adaptive retry absorbs for us still cost someone else a failed request.
 *
 * The limiter is installed as SDK middleware inside the retry loop, so every attempt (retries included)
 * waits for a token and is counted; all workers of a run share one limiter.
 */

/** API names as the SDK's commands spell them (without `Command`). */
export type LogsApi =
  | 'DescribeLogGroups'
  | 'FilterLogEvents'
  | 'GetLogEvents'
  | 'StartQuery'
  | 'GetQueryResults'
  | 'StopQuery'
  | 'DescribeQueries'
  | 'GetLogRecord';

/**
 * Default requests per second the scanner allows itself per API. FilterLogEvents' 5 TPS is the documented
 * per-account quota (AWS knowledge center; it "can be changed only in special circumstances"). The Insights
 * APIs and DescribeLogGroups have quotas of their own that AWS adjusts per account: these defaults are
 * deliberately low; set them from the Service Quotas console for your account.
 */
export const DEFAULT_TPS: Readonly<Record<LogsApi, number>> = {
  DescribeLogGroups: 5,
  FilterLogEvents: 5,
  GetLogEvents: 10,
  StartQuery: 5,
  GetQueryResults: 5,
  StopQuery: 5,
  DescribeQueries: 5,
  GetLogRecord: 5,
};

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket as a schedule (GCRA): each acquire reserves the next free slot synchronously, so
 * concurrent callers are served first come first served and never wake together to fight for one token.
 * `burst` tokens may go out back to back after an idle spell; the default 1 spaces every call evenly.
 */
export class TokenBucket {
  private readonly interval: number;
  private tat = -Infinity;

  constructor(
    readonly tps: number,
    private readonly burst = 1,
    private readonly clock: Clock = realClock,
  ) {
    if (!(tps > 0)) throw new Error(`tps must be positive, got ${tps}`);
    this.interval = 1000 / tps;
  }

  /** Milliseconds the caller was made to wait. */
  async acquire(): Promise<number> {
    const now = this.clock.now();
    const tat = Math.max(this.tat, now);
    const wait = tat - now - (this.burst - 1) * this.interval;
    this.tat = tat + this.interval;
    if (wait > 0) {
      await this.clock.sleep(wait);
      return wait;
    }
    return 0;
  }
}

/** One bucket per API; an API without a configured rate is not limited. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Total ms callers waited, per API. */
  readonly waitedMs: Record<string, number> = {};

  constructor(tps: Partial<Record<string, number>> = DEFAULT_TPS, opts: { burst?: number; clock?: Clock } = {}) {
    for (const [api, rate] of Object.entries(tps)) {
      if (rate !== undefined && rate > 0) this.buckets.set(api, new TokenBucket(rate, opts.burst ?? 1, opts.clock));
    }
  }

  tpsOf(api: string): number | undefined {
    return this.buckets.get(api)?.tps;
  }

  async acquire(api: string): Promise<void> {
    const bucket = this.buckets.get(api);
    if (!bucket) return;
    const waited = await bucket.acquire();
    if (waited > 0) this.waitedMs[api] = (this.waitedMs[api] ?? 0) + waited;
  }

  /** A limiter for one of `count` shards: each gets an equal share, so together they stay inside the quota. */
  static shareOf(tps: Partial<Record<string, number>>, count: number, opts: { burst?: number; clock?: Clock } = {}): RateLimiter {
    const share: Record<string, number> = {};
    for (const [api, rate] of Object.entries(tps)) if (rate !== undefined) share[api] = rate / Math.max(1, count);
    return new RateLimiter(share, opts);
  }
}

/** API calls by kind, for the run summary: every attempt, retries included. */
export class ApiCallCounter {
  readonly calls: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  /** Free-form engine figures (queries split, bytes scanned, fallbacks, ...). */
  readonly stats: Record<string, number> = {};

  record(api: string, outcome: 'ok' | 'throttled' | 'error'): void {
    this.calls[api] = (this.calls[api] ?? 0) + 1;
    if (outcome === 'throttled') this.throttled[api] = (this.throttled[api] ?? 0) + 1;
    if (outcome === 'error') this.errors[api] = (this.errors[api] ?? 0) + 1;
  }

  add(stat: string, n = 1): void {
    this.stats[stat] = (this.stats[stat] ?? 0) + n;
  }

  get total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  toJSON() {
    return { calls: { ...this.calls }, throttled: { ...this.throttled }, errors: { ...this.errors }, stats: { ...this.stats }, total: this.total };
  }
}

/** The slice of an SDK v3 client this needs: its middleware stack. */
interface MiddlewareClient {
  middlewareStack: {
    add(middleware: unknown, options: Record<string, unknown>): void;
  };
}

const instrumented = new WeakMap<object, { limiter?: RateLimiter; counter?: ApiCallCounter }>();

/**
 * Paces and counts every request `client` sends. Runs inside the SDK's retry loop (finalizeRequest,
 * low priority), so retries wait for a token too. Idempotent per client: the first limiter/counter wins.
 */
export function instrumentClient(client: MiddlewareClient, opts: { limiter?: RateLimiter; counter?: ApiCallCounter }): void {
  if (instrumented.has(client)) return;
  instrumented.set(client, opts);
  const { limiter, counter } = opts;
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const api = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (limiter) await limiter.acquire(api);
      try {
        const out = await next(args);
        counter?.record(api, 'ok');
        return out;
      } catch (err) {
        const name = (err as { name?: string })?.name;
        // The SDK retries LimitExceededException (Insights' concurrency quota) as a throttle too.
        const refused = name === 'ThrottlingException' || name === 'ThrottledException' || name === 'LimitExceededException';
        counter?.record(api, refused ? 'throttled' : 'error');
        throw err;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'cloudwatchLogAlertsRateLimit', override: true },
  );
}
