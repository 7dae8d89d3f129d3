// One run with state: its clock and time budget, what it has done so far, and how it posts or queues a payload.
import { randomUUID } from 'node:crypto';
import { type SlackPayload } from '../alerts';
import { type Config, type Rule, type Settings } from '../config/types';
import { RuleBudget } from '../matching';
import { fingerprintTtl, pendingId, type DecisionContext, type FingerprintPolicy, type Hold, type StateStore } from '../state';
import { type JobOptions, type PostOutcome, type SkippedWindow } from './types';


export const MINUTE = 60_000;
/** Budget assumed when the caller gives no deadline (local runs). */
const DEFAULT_BUDGET_MS = 120_000;
/** Time kept after the scan for fingerprint state, Slack and cursor writes: a quarter of the run, within bounds. */
const MIN_RESERVE_MS = 1_000;
const MAX_RESERVE_MS = 45_000;
/** The lease outlives the run's own deadline by this much, so a run never loses it while alive. */
const LEASE_GRACE_MS = 5_000;
/** An undelivered payload is retried by every run for this long, then expires (and its claims with it). */
const PENDING_TTL_MS = 3 * 24 * 60 * MINUTE;
export const PENDING_PER_RUN = 50;
/** A group failing this long is reported once in a health message. */
export const FAILING_REPORT_AFTER_MS = 30 * MINUTE;
export const CURSOR_TTL_MS = 14 * 24 * 60 * MINUTE;
export const STATE_CONCURRENCY = 16;
export const DECIDE_ATTEMPTS = 4;

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

export class Run {
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

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

export function isoOrOpen(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'open';
}

export function defaultOverlapMs(settings: Settings): number {
  return Math.max(settings.ingestionLagMinutes, 1) * MINUTE;
}
