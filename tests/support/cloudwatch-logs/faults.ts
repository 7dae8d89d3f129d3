import { performance } from 'node:perf_hooks';
import { AwsError, throttled } from './errors';

/** mulberry32: tiny, fast, and good enough to make "random" faults replayable from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultSpec {
  /** Probability (0..1) that a call is answered with ThrottlingException. */
  throttleRate?: number;
  /** The next n calls are answered with ThrottlingException. */
  throttleNext?: number;
  /** The next n calls are answered with HTTP 500 ServiceUnavailableException. */
  errorNext?: number;
  /** Delay before answering (applies to every call while set). */
  latencyMs?: number;
  /** Never answer; the client's own timeout must save it. Sockets are destroyed on close(). */
  hang?: boolean;
}

/** What to do with one incoming call, decided before the operation itself runs. */
export type FaultVerdict = { kind: 'pass'; latencyMs: number } | { kind: 'hang' } | { kind: 'fail'; latencyMs: number; error: AwsError };

/** Operation name, or '*' for every operation; specific entries win over '*' field by field. */
export class Faults {
  private readonly specs = new Map<string, FaultSpec>();

  constructor(private readonly random: () => number) {}

  set(op: string, spec: FaultSpec): void {
    this.specs.set(op, { ...spec });
  }

  clear(op?: string): void {
    if (op === undefined) this.specs.clear();
    else this.specs.delete(op);
  }

  /** Consumes one unit of any countdown (throttleNext/errorNext) that fires. */
  decide(op: string, serverFault: () => AwsError): FaultVerdict {
    const own = this.specs.get(op);
    const any = this.specs.get('*');
    const latencyMs = own?.latencyMs ?? any?.latencyMs ?? 0;
    if (own?.hang ?? any?.hang) return { kind: 'hang' };
    for (const spec of [own, any]) {
      if (spec?.errorNext) {
        spec.errorNext--;
        return { kind: 'fail', latencyMs, error: serverFault() };
      }
    }
    for (const spec of [own, any]) {
      if (spec?.throttleNext) {
        spec.throttleNext--;
        return { kind: 'fail', latencyMs, error: throttled() };
      }
    }
    const rate = own?.throttleRate ?? any?.throttleRate ?? 0;
    if (rate > 0 && this.random() < rate) return { kind: 'fail', latencyMs, error: throttled() };
    return { kind: 'pass', latencyMs };
  }
}

/**
 * Per-operation TPS quotas as token buckets (burst = one second's worth), refilled on the
 * wall clock because AWS counts real requests, not the emulator's event clock.
 */
export class Quotas {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly tps: Record<string, number> = {}) {}

  /** True if the call fits the quota (and spends a token). */
  admit(op: string): boolean {
    const rate = this.tps[op];
    if (rate === undefined) return true;
    const now = performance.now();
    const bucket = this.buckets.get(op) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(op, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
