import type { CorrelationKind } from './correlation-ids';
import type { Alert } from './types';

export interface Incident {
  /** The shared trace or request id that ties the parts together. */
  key: string;
  keyKind: CorrelationKind;
  alerts: Alert[];
}

/**
 * One incident per set of alerts linked by a shared trace or request id, when the parts come from different
 * rules or log groups (a Lambda error and the API Gateway 5xx of the same request). Alerts linked to
 * nothing stay standalone. Linking is transitive: A–B by request id and B–C by trace id is one incident.
 */
export function correlate(alerts: readonly Alert[]): { incidents: Incident[]; standalone: Alert[] } {
  const parent = alerts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  alerts.forEach((alert, i) => {
    for (const id of alert.correlationIds ?? []) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });

  const groups = new Map<number, number[]>();
  alerts.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));

  const incidents: Incident[] = [];
  const standalone: Alert[] = [];
  for (const members of groups.values()) {
    const parts = members.map((i) => alerts[i]!);
    const distinct = new Set(parts.map((a) => `${a.rule.id}\u0000${a.logGroups.join(',')}`));
    if (parts.length < 2 || distinct.size < 2) {
      standalone.push(...parts);
      continue;
    }
    incidents.push({ ...sharedKey(parts), alerts: parts.sort((a, b) => a.firstSeen - b.firstSeen) });
  }
  incidents.sort((a, b) => a.alerts[0]!.firstSeen - b.alerts[0]!.firstSeen);
  return { incidents, standalone };
}

/** Prefer a trace id (it also gives the trace link), then the id shared by the most parts. */
function sharedKey(parts: Alert[]): { key: string; keyKind: CorrelationKind } {
  const counts = new Map<string, number>();
  for (const a of parts) for (const id of new Set(a.correlationIds ?? [])) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ranked = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort(([a, na], [b, nb]) => Number(b.startsWith('trace:')) - Number(a.startsWith('trace:')) || nb - na || a.localeCompare(b));
  const best = ranked[0]?.[0] ?? [...counts.keys()][0] ?? 'request:unknown';
  const [kind, ...rest] = best.split(':');
  return { key: rest.join(':'), keyKind: kind === 'trace' ? 'trace' : 'request' };
}
