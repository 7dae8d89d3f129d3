// Which Slack channel each alert and incident goes to.
import { planRunMessages, type PlannedMessage } from '../alerts';
import { SEVERITIES, type Config } from '../config/types';
import { correlate, type Alert } from '../dedup';
import { channelFor } from '../config/channels';

/**
 * The run's Slack messages per channel (the SSM parameter name of the webhook, from channels.yml; undefined
 * without channels.yml: the default webhook). A standalone alert goes to its rule's channel (`channelFor`); an
 * incident, whole, to the channel of its most severe part. Alerts of different channels never share a message.
 */
export function planRoutedMessages(
  config: Pick<Config, 'channels' | 'settings'>,
  alerts: Alert[],
  region: string,
): Array<{ channel: string | undefined; messages: PlannedMessage[] }> {
  const opts = { region, ...config.settings };
  const channels = config.channels;
  if (!channels) return [{ channel: undefined, messages: planRunMessages(alerts, opts) }];
  const channelOf = new Map<Alert, string>();
  for (const incident of correlate(alerts).incidents) {
    let worst = incident.alerts[0]!;
    for (const a of incident.alerts) if (SEVERITIES.indexOf(a.rule.severity) > SEVERITIES.indexOf(worst.rule.severity)) worst = a;
    for (const a of incident.alerts) channelOf.set(a, channelFor(worst.rule, channels));
  }
  // A subset never links alerts the whole set did not, so each incident is planned exactly as before.
  const byChannel = new Map<string, Alert[]>();
  for (const a of alerts) {
    const channel = channelOf.get(a) ?? channelFor(a.rule, channels);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), a]);
  }
  return [...byChannel].map(([channel, list]) => ({ channel, messages: planRunMessages(list, opts) }));
}
