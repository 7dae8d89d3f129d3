import type { Rule } from '../config/types';

export interface RuleBudgetOptions {
  /** Total matching time one rule may use in a run; past it the rule is off for the rest of the run. */
  perRunMs?: number;
  /**
   * Longest one rule may take on one log line. Past it the rule is off for the rest of the run, and where
   * matching runs under the watchdog (`matchEvents`, and any regex the static check flags) the line is
   * interrupted at this point instead of being waited for.
   */
  perEventMs?: number;
  /** Monotonic milliseconds; defaults to performance.now. */
  clock?: () => number;
}

export interface DisabledRule {
  ruleId: string;
  /** Human-readable, e.g. "took 1203 ms on one log line (limit 250 ms)". */
  reason: string;
  /** Matching time the rule used in this run, including the line that tripped it (estimated from samples). */
  spentMs: number;
  /** Log lines the rule was evaluated on before it was switched off (estimated: timing is sampled). */
  evaluations: number;
  /** The log line it was on, cut to 200 characters, for the report. */
  sample?: string;
}

interface RuleState {
  spentMs: number;
  evaluations: number;
  disabled?: { ruleId: string; reason: string; sample?: string };
}

export const DEFAULT_PER_RUN_MS = 5_000;
/** Rules are timed one by one on one event in this many (see `sampleNext`). */
export const SAMPLE_EVERY = 16;
export const DEFAULT_PER_EVENT_MS = 250;

/**
 * Per-run cost accounting for rules, so one rule can never stall a scan: create one per run, pass it in the
 * context of every `matchEvent`/`matchEvents` call of that run, and read `disabled()` at the end to report
 * the rules that were switched off (their later hits are lost for this run; the next run starts afresh).
 */
export class RuleBudget {
  readonly perRunMs: number;
  readonly perEventMs: number;
  readonly clock: () => number;
  private readonly states = new WeakMap<Rule, RuleState>();
  private readonly off: RuleState[] = [];

  constructor(opts: RuleBudgetOptions = {}) {
    this.perRunMs = opts.perRunMs ?? DEFAULT_PER_RUN_MS;
    this.perEventMs = opts.perEventMs ?? DEFAULT_PER_EVENT_MS;
    this.clock = opts.clock ?? (() => performance.now());
  }

  private state(rule: Rule): RuleState {
    let s = this.states.get(rule);
    if (!s) {
      s = { spentMs: 0, evaluations: 0 };
      this.states.set(rule, s);
    }
    return s;
  }

  isDisabled(rule: Rule): boolean {
    return this.states.get(rule)?.disabled !== undefined;
  }

  private events = 0;

  /**
   * Whether to time each rule on the next event. Reading the clock around every rule costs about as much as
   * a typical regex, so rules are timed on one event in SAMPLE_EVERY and charged for all of them; a slow
   * event is always re-timed rule by rule (see match.ts), so the per-line limit does not depend on sampling.
   */
  sampleNext(): boolean {
    this.events += 1;
    return this.events % SAMPLE_EVERY === 0;
  }

  /**
   * Records one evaluation that took `ms` and stands for `weight` evaluations (sampling); switches the rule
   * off when it broke a limit.
   */
  charge(rule: Rule, ms: number, message?: string, weight = 1): void {
    const s = this.state(rule);
    s.spentMs += ms * weight;
    s.evaluations += weight;
    if (s.disabled) return;
    if (ms > this.perEventMs) this.disable(rule, `took ${Math.round(ms)} ms on one log line (limit ${this.perEventMs} ms)`, message);
    else if (s.spentMs > this.perRunMs) this.disable(rule, `used ${Math.round(s.spentMs)} ms of matching time in this run (limit ${this.perRunMs} ms)`, message);
  }

  /** Switches a rule off for the rest of the run (used when the watchdog interrupts it). */
  disable(rule: Rule, reason: string, message?: string): void {
    const s = this.state(rule);
    if (s.disabled) return;
    s.disabled = {
      ruleId: rule.id,
      reason,
      ...(message !== undefined ? { sample: message.length > 200 ? `${message.slice(0, 197)}...` : message } : {}),
    };
    this.off.push(s);
    if (this.off.length > 1000) this.off.shift();
  }

  /** The rules switched off so far in this run, in the order it happened. */
  disabled(): DisabledRule[] {
    return this.off.map((s) => ({ ...s.disabled!, spentMs: Math.round(s.spentMs), evaluations: s.evaluations }));
  }

  /** Matching time and evaluations of one rule so far. */
  usage(rule: Rule): { spentMs: number; evaluations: number } {
    const s = this.states.get(rule);
    return { spentMs: s?.spentMs ?? 0, evaluations: s?.evaluations ?? 0 };
  }
}
