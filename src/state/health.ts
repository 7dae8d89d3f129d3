import { fingerprintKey } from './ids';
import { refKey, type FingerprintRef, type FingerprintState } from './types';

/** Rule ids never start with `_`, so the scanner's own health items cannot collide with a rule's. */
export const HEALTH_RULE_ID = '_scanner-health';

/** One problem of the scanner itself, identified by a stable key (`pending`, `failing:<group>`, ...). */
export interface HealthCondition {
  key: string;
}

export function healthRef(condition: HealthCondition): FingerprintRef {
  return { ruleId: HEALTH_RULE_ID, key: fingerprintKey(condition.key) };
}

/**
 * The conditions to report now: each at most once per `realertMs`, so a scanner that stays unhealthy
 * reminds the ops channel instead of paging it every five minutes.
 */
export function dueConditions<C extends HealthCondition>(
  conditions: readonly C[],
  states: ReadonlyMap<string, FingerprintState>,
  now: number,
  realertMs: number,
): C[] {
  return conditions.filter((c) => {
    const last = states.get(stateKey(c))?.lastAlertedAt;
    return last === undefined || now - last >= realertMs;
  });
}

/** The item recording that a condition was reported at `now` (versioned like every fingerprint write). */
export function reportedState(condition: HealthCondition, previous: FingerprintState | undefined, now: number, expiresAt: number): FingerprintState {
  return {
    ...healthRef(condition),
    fingerprint: condition.key.slice(0, 500),
    firstSeen: previous?.firstSeen ?? now,
    lastSeen: now,
    logGroups: [],
    lastAlertedAt: now,
    open: false,
    sinceCount: 0,
    hitTimes: [],
    expiresAt,
    version: previous?.version ?? 0,
  };
}

export function stateKey(condition: HealthCondition): string {
  return refKey(healthRef(condition));
}
