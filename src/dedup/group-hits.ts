import type { Hit } from '../matching/types';
import { correlationIds } from './correlation-ids';
import { fingerprint } from './fingerprint';
import type { Alert, StreamRef } from './types';

const MAX_CORRELATION_IDS = 200;

/**
 * Folds the hits of one run into alerts: one per rule and fingerprint, so a burst of the same error
 * becomes one message with a count instead of hundreds.
 */
export class HitGrouper {
  private readonly alerts = new Map<string, Alert>();
  private readonly streamKeys = new Map<string, Set<string>>();
  private readonly ids = new Map<string, Set<string>>();

  add(hit: Hit): void {
    const fp = fingerprint(hit.event.message);
    // groupBy values split one template into one alert per tenant (or whatever the rule names).
    const key = `${hit.rule.id}\u0000${hit.groupKey ?? ''}\u0000${fp}`;
    const { event } = hit;
    let alert = this.alerts.get(key);
    if (!alert) {
      alert = {
        rule: hit.rule,
        fingerprint: fp,
        count: 0,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        logGroups: [],
        streams: [],
        sample: event,
      };
      this.alerts.set(key, alert);
      this.streamKeys.set(key, new Set());
      this.ids.set(key, new Set());
    }
    alert.count += 1;
    // The earliest hit is the sample: the console link should land where the incident started.
    if (event.timestamp < alert.firstSeen || (event.timestamp === alert.firstSeen && event.eventId < alert.sample.eventId)) {
      alert.firstSeen = event.timestamp;
      alert.sample = event;
    }
    if (event.timestamp > alert.lastSeen) alert.lastSeen = event.timestamp;
    if (!alert.logGroups.includes(event.logGroup)) alert.logGroups.push(event.logGroup);
    const seen = this.streamKeys.get(key)!;
    const streamKey = `${event.logGroup}\u0000${event.logStream}`;
    const ids = this.ids.get(key)!;
    // Bounded: a burst of 10,000 hits needs only enough ids to find the other half of an incident.
    if (ids.size < MAX_CORRELATION_IDS) for (const id of correlationIds(event.message)) ids.add(id);
    if (!seen.has(streamKey)) {
      seen.add(streamKey);
      alert.streams.push({ logGroup: event.logGroup, logStream: event.logStream } satisfies StreamRef);
    }
  }

  /** Alerts in a stable order, independent of the order log groups were read in. */
  result(): Alert[] {
    return [...this.alerts.entries()]
      .map(([key, a]) => ({ ...a, logGroups: [...a.logGroups].sort(), correlationIds: [...this.ids.get(key)!] }))
      .sort((a, b) => a.rule.id.localeCompare(b.rule.id) || a.firstSeen - b.firstSeen || a.fingerprint.localeCompare(b.fingerprint));
  }
}

export function groupHits(hits: Iterable<Hit>): Alert[] {
  const grouper = new HitGrouper();
  for (const hit of hits) grouper.add(hit);
  return grouper.result();
}
