export type { Hit, MatchContext, RuleOutcome } from './types';
export { explainEvent, matchEvent, matchEvents, MATCH_HEAD_CHARS, MATCH_TAIL_CHARS } from './match';
export { RuleBudget, type DisabledRule, type RuleBudgetOptions } from './budget';
