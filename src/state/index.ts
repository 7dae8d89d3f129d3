// Cross-run state of the scheduled scan: cursors, fingerprints (realert/threshold/resolve), claims, pending posts.
export * from './types';
export { planRead, advanceCursor, MAX_SEEN_ENTRIES, type ReadPlan, type ReadOutcome, type CursorAdvance, type CoverageSettings } from './cursors';
export {
  decideHits,
  decideResolve,
  applySettlement,
  maxWithin,
  fingerprintTtl,
  MAX_HIT_TIMES,
  type Decision,
  type DecisionContext,
  type FingerprintPolicy,
  type Repeat,
  type RunHits,
} from './fingerprints';
export { eventIdentity, fingerprintKey, seenEntry, seenEntryTime, pendingId } from './ids';
export { MemoryStateStore } from './memory-store';
export { DynamoStateStore, createStateClient } from './dynamo-store';
export { STATE_TABLE_DEFINITION, STATE_TABLE_ACTIONS, TTL_ATTRIBUTE, createStateTableInput, keys } from './table';
export { HEALTH_RULE_ID, dueConditions, healthRef, reportedState, stateKey as healthStateKey, type HealthCondition } from './health';
