import type { Rule } from '../config/types';
import type { LogEvent } from '../sources/types';
import type { RuleBudget } from './budget';

export interface Hit {
  rule: Rule;
  event: LogEvent;
  /** Named capture groups of the pattern, when it has any. */
  captures: Record<string, string>;
  /** The rule's `groupBy` values joined, when it has any: hits with different keys never share an alert. */
  groupKey?: string;
  /** The rule's `groupBy` values by name (missing ones as ''), when it has any. */
  groupValues?: Record<string, string>;
  /**
   * The message was longer than the matcher reads, so the regexes saw its first and last part only
   * (see MATCH_HEAD_CHARS / MATCH_TAIL_CHARS in match.ts).
   */
  truncated?: boolean;
}

/**
 * Optional third argument of `matchEvent` / `matchEvents`, per log group.
 * - `vars`: run-time variables for `when:` conditions that are not in the log line, such as the function's
 *   `timeoutMs` and `memorySizeMb` (from lambda:GetFunctionConfiguration). A condition that uses one the
 *   caller did not supply is false: the rule does not fire, nothing fails.
 * - `budget`: one per run; rules that use too much time are switched off for the rest of the run and listed
 *   by `budget.disabled()`. Without it a shared default budget applies (per Rule object, so per loaded config).
 */
export interface MatchContext {
  vars?: Readonly<Record<string, string | number | undefined>>;
  budget?: RuleBudget;
}

/** What one rule made of one event, for `test-rule` and anyone who needs to know why a line did not alert. */
export type RuleOutcome =
  | { kind: 'hit'; hit: Hit }
  | { kind: 'no-match' }
  | { kind: 'fields-failed'; reason: string }
  | { kind: 'when-false'; reason: string }
  /** `when` read a variable that had no value (e.g. `timeoutMs` not supplied): the condition was not evaluated. */
  | { kind: 'when-skipped'; missing: string }
  | { kind: 'excluded'; index: number; exclude: RegExp }
  /** The rule was over its time budget (now, or earlier in the run). */
  | { kind: 'disabled'; reason: string };
