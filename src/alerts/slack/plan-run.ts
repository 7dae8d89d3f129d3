import { correlate } from '../../dedup';
import type { Alert } from '../../dedup/types';
import { buildIncidentMessages } from './incident-messages';
import { planSlackMessages, type PlannedMessage } from './build-messages';
import type { SlackMessageOptions } from './types';

/**
 * A run's messages: alerts tied together by a shared trace or request id become one incident message
 * (the Lambda error and the API Gateway 5xx of the same request), the rest are grouped as usual. Each
 * planned message says which alerts it carries, so delivery can settle exactly those; an incident that
 * needs several payloads lets the first carry all its alerts.
 */
export function planRunMessages(alerts: Alert[], opts: SlackMessageOptions): PlannedMessage[] {
  const { incidents, standalone } = correlate(alerts);
  const planned: PlannedMessage[] = [];
  for (const incident of incidents) {
    buildIncidentMessages([incident], opts).forEach((payload, i) => planned.push({ payload, alerts: i === 0 ? incident.alerts : [] }));
  }
  return [...planned, ...planSlackMessages(standalone, opts)];
}
