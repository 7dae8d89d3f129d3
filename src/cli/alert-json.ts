import type { Alert } from '../dedup';

/** An alert as the CLI's `--format json` prints it: stable field names, ISO times. */
export function alertJson(a: Alert) {
  return {
    ruleId: a.rule.id,
    severity: a.rule.severity,
    fingerprint: a.fingerprint,
    count: a.count,
    firstSeen: new Date(a.firstSeen).toISOString(),
    lastSeen: new Date(a.lastSeen).toISOString(),
    logGroups: a.logGroups,
    streams: a.streams,
    sample: a.sample.message,
  };
}
