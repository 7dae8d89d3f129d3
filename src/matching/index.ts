export type { Hit, MatchContext, RuleOutcome } from './types';
export { explainEvent, matchEvent, matchEvents } from './match';
export { MATCH_HEAD_CHARS, MATCH_TAIL_CHARS } from './limits';
export { RuleBudget, type DisabledRule, type RuleBudgetOptions } from './budget';
