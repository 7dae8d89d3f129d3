import { catastrophicBacktracking } from '../config/regex-safety';
import type { Rule } from '../config/types';
import type { LogEvent } from '../sources/types';
import { RuleBudget, SAMPLE_EVERY } from './budget';
import { fieldConditionFailure, fieldVariable, lookup, parseJsonObject, type JsonObject } from './fields';
import type { Hit, MatchContext, RuleOutcome } from './types';
import { prefilterFor } from './prefilter';
import { MATCH_HEAD_CHARS, MATCH_TAIL_CHARS, MATCH_WHOLE_CHARS } from './limits';
import { underWatchdog, withWatchdog } from './watchdog';

// Run-time bounds: see limits.ts.

/** Extra time the batch watchdog allows beyond `perEventMs` before it checks who is slow. */
const WATCHDOG_SLACK_MS = 50;


interface Prepared {
  event: LogEvent;
  text: string;
  truncated: boolean;
  json?: JsonObject | null;
}

function prepare(event: LogEvent): Prepared {
  const message = event.message;
  if (message.length <= MATCH_WHOLE_CHARS) return { event, text: message, truncated: false };
  return { event, text: `${message.slice(0, MATCH_HEAD_CHARS)}\n${message.slice(-MATCH_TAIL_CHARS)}`, truncated: true };
}

/** Parsed at most once per event, and only when a rule needs it. */
function jsonOf(p: Prepared): JsonObject | undefined {
  if (p.json === undefined) p.json = parseJsonObject(p.event.message) ?? null;
  return p.json ?? undefined;
}

const riskyCache = new WeakMap<RegExp, boolean>();
function risky(re: RegExp): boolean {
  let r = riskyCache.get(re);
  if (r === undefined) {
    r = catastrophicBacktracking(re.source, re.flags) !== undefined;
    riskyCache.set(re, r);
  }
  return r;
}

class Interrupted extends Error {}

/**
 * The rule being evaluated right now, so a watchdog interrupt knows whom to blame. `precise` when the rule
 * was timed on its own (`startedAt` is its start); otherwise `startedAt` is the start of the whole event.
 */
let current: { rule: Rule; startedAt: number; precise: boolean; message: string } | undefined;
/** An event to evaluate with every rule timed on its own, after an interrupt that could not be attributed. */
let timeEachRuleOf: LogEvent | undefined;

function exec(re: RegExp, text: string, budget: RuleBudget): RegExpExecArray | null {
  // A g/y regex (never from the validator, maybe from code) would carry lastIndex from line to line.
  if (re.global || re.sticky) re.lastIndex = 0;
  if (!risky(re) || underWatchdog()) return re.exec(text);
  const result = withWatchdog(() => re.exec(text), budget.perEventMs);
  if (!result.ok) throw new Interrupted();
  return result.value;
}

function evaluate(rule: Rule, p: Prepared, vars: MatchContext['vars'], budget: RuleBudget): RuleOutcome {
  const m = exec(rule.pattern, p.text, budget);
  if (!m) return { kind: 'no-match' };
  const captures = definedGroups(m.groups);

  let json: JsonObject | undefined;
  if (rule.fields?.length) {
    json = jsonOf(p);
    if (!json) return { kind: 'fields-failed', reason: 'the line is not a JSON object' };
    for (const cond of rule.fields) {
      const failure = fieldConditionFailure(json, cond, (re, text) => exec(re, text, budget) !== null);
      if (failure) return { kind: 'fields-failed', reason: failure };
    }
  }

  // Captures first, then run-time variables, then (for JSON rules) fields.
  const variable = (name: string): string | number | boolean | undefined => {
    if (captures[name] !== undefined) return captures[name];
    const fromCaller = vars && Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
    if (fromCaller !== undefined) return fromCaller;
    if (rule.fields?.length) {
      const j = jsonOf(p);
      return j ? fieldVariable(lookup(j, name)) : undefined;
    }
    return undefined;
  };

  if (rule.when) {
    const values: Record<string, string | number | boolean | undefined> = {};
    for (const name of rule.when.variables) values[name] = variable(name);
    const check = (rule.when as { check?: (v: typeof values) => { value: boolean; missing?: string } }).check;
    const missing = rule.when.variables.find((n) => values[n] === undefined);
    const result = check ? check(values) : missing !== undefined ? { value: false, missing } : { value: rule.when.evaluate(values) };
    if (result.missing !== undefined) return { kind: 'when-skipped', missing: result.missing };
    if (!result.value) {
      const shown = rule.when.variables.map((n) => `${n}=${values[n]}`).join(', ');
      return { kind: 'when-false', reason: `${rule.when.source} is false${shown ? ` (${shown})` : ''}` };
    }
  }

  for (let i = 0; i < rule.exclude.length; i++) {
    if (exec(rule.exclude[i]!, p.text, budget)) return { kind: 'excluded', index: i, exclude: rule.exclude[i]! };
  }

  const hit: Hit = { rule, event: p.event, captures };
  if (rule.groupBy?.length) {
    const groupValues: Record<string, string> = {};
    for (const name of rule.groupBy) {
      const v = variable(name);
      groupValues[name] = v === undefined ? '' : String(v);
    }
    hit.groupValues = groupValues;
    hit.groupKey = rule.groupBy.map((n) => `${n}=${groupValues[n]}`).join(', ');
  }
  if (p.truncated) hit.truncated = true;
  return { kind: 'hit', hit };
}

/** One rule on one prepared event; never throws (a failing rule is switched off and reported). */
function evaluateSafe(rule: Rule, p: Prepared, ctx: MatchContext | undefined, budget: RuleBudget): RuleOutcome {
  try {
    return evaluate(rule, p, ctx?.vars, budget);
  } catch (err) {
    const reason = err instanceof Interrupted
      ? `was interrupted after ${budget.perEventMs} ms on one log line (its regex backtracks catastrophically)`
      : `failed: ${err instanceof Error ? err.message : String(err)}`;
    budget.disable(rule, reason, p.event.message);
    return { kind: 'disabled', reason };
  }
}

function outcomes(rules: readonly Rule[], event: LogEvent, ctx: MatchContext | undefined, want: 'hits'): Hit[];
function outcomes(rules: readonly Rule[], event: LogEvent, ctx: MatchContext | undefined, want: 'all'): RuleOutcome[];
function outcomes(rules: readonly Rule[], event: LogEvent, ctx: MatchContext | undefined, want: 'hits' | 'all'): Hit[] | RuleOutcome[] {
  // No budget given: one for this call alone. A shared default would carry spent time across scans and,
  // in a warm Lambda container, switch rules off for good.
  const budget = ctx?.budget ?? new RuleBudget();
  const p = prepare(event);
  const hits: Hit[] = [];
  const all: RuleOutcome[] = [];
  // Time every rule when explaining, when asked to after an interrupt, or on a sampled event.
  const exact = want === 'all' || timeEachRuleOf === event;
  const timeEach = exact || budget.sampleNext();
  const weight = exact ? 1 : SAMPLE_EVERY;
  const eventStart = budget.clock();
  let last = eventStart;
  for (const rule of rules) {
    if (budget.isDisabled(rule)) {
      if (want === 'all') all.push({ kind: 'disabled', reason: 'switched off earlier in this run (over its time budget)' });
      continue;
    }
    current = { rule, startedAt: timeEach ? last : eventStart, precise: timeEach, message: event.message };
    const outcome = evaluateSafe(rule, p, ctx, budget);
    if (timeEach) {
      const now = budget.clock();
      budget.charge(rule, now - last, event.message, weight);
      last = now;
    }
    if (want === 'all') all.push(outcome);
    else if (outcome.kind === 'hit') hits.push(outcome.hit);
  }
  current = undefined;
  if (timeEachRuleOf === event) timeEachRuleOf = undefined;
  if (!timeEach && budget.clock() - eventStart > budget.perEventMs) attribute(rules, p, ctx, budget);
  return want === 'all' ? all : hits;
}

/**
 * A line took longer than the per-line limit and rules were not timed one by one: time them again on this
 * line (each under its own watchdog where none is running) to find and switch off the slow one.
 */
function attribute(rules: readonly Rule[], p: Prepared, ctx: MatchContext | undefined, budget: RuleBudget): void {
  for (const rule of rules) {
    if (budget.isDisabled(rule)) continue;
    const started = budget.clock();
    current = { rule, startedAt: started, precise: true, message: p.event.message };
    if (underWatchdog()) evaluateSafe(rule, p, ctx, budget);
    else if (!withWatchdog(() => evaluateSafe(rule, p, ctx, budget), budget.perEventMs).ok) {
      budget.disable(rule, `was interrupted after ${budget.perEventMs} ms on one log line (its regex backtracks catastrophically)`, p.event.message);
    }
    current = undefined;
    budget.charge(rule, budget.clock() - started, p.event.message);
  }
}

/**
 * The hits of one event against the rules that target its log group: the pattern must match, then every
 * `fields` condition (on the line parsed as JSON, at most once per event), then `when`; an `exclude` that
 * matches drops the hit. `ctx` is optional: run-time variables for `when`, and the run's RuleBudget.
 */
export function matchEvent(rules: readonly Rule[], event: LogEvent, ctx?: MatchContext): Hit[] {
  return outcomes(rules, event, ctx, 'hits');
}

/** What each rule made of the event (same order as `rules`): for test-rule and debugging. */
export function explainEvent(rules: readonly Rule[], event: LogEvent, ctx?: MatchContext): RuleOutcome[] {
  return outcomes(rules, event, ctx, 'all');
}

/**
 * `matchEvent` over a batch (a page of events), under a watchdog: no regex can hold the batch longer than
 * about the budget's `perEventMs` before it is interrupted, its rule switched off for the run, and the batch
 * resumed from the same event. Prefer this in scans; it costs one watchdog (~0.1 ms) per batch.
 */
export function matchEvents(rules: readonly Rule[], events: readonly LogEvent[], ctx: MatchContext = {}): Hit[] {
  const budget = ctx.budget ?? new RuleBudget();
  const inner: MatchContext = { ...ctx, budget };
  // Most lines contain none of the literals any rule requires: skip the regexes for them entirely.
  const prefilter = prefilterFor(rules);
  const hits: Hit[] = [];
  let next = 0;
  let stuckAt = -1;
  while (next < events.length) {
    const result = withWatchdog(() => {
      for (; next < events.length; next++) {
        const event = events[next]!;
        const candidates = prefilter.candidates(event.message);
        // Hits are pushed only once an event is done, so an interrupted event is redone from scratch.
        if (candidates.length) hits.push(...matchEvent(candidates, event, inner));
      }
    }, budget.perEventMs + WATCHDOG_SLACK_MS);
    if (result.ok) break;
    // Interrupted: blame the rule that has been running too long; otherwise the batch was just long.
    const interrupted = current;
    current = undefined;
    const elapsed = interrupted ? budget.clock() - interrupted.startedAt : 0;
    if (interrupted && elapsed >= budget.perEventMs && interrupted.precise) {
      budget.disable(interrupted.rule, `was interrupted after ${Math.round(elapsed)} ms on one log line (its regex backtracks catastrophically)`, interrupted.message);
      budget.charge(interrupted.rule, elapsed, interrupted.message);
    } else if (interrupted && elapsed >= budget.perEventMs) {
      // The line is slow but rules were not timed one by one: do that on the retry to know which one.
      timeEachRuleOf = events[next];
    } else if (stuckAt === next) {
      // No progress twice and no one to blame: leave this event out rather than loop.
      next++;
    }
    stuckAt = next;
  }
  return hits;
}

function definedGroups(groups: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups ?? {})) if (value !== undefined) out[name] = value;
  return out;
}
