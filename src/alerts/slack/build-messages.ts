import type { Alert } from '../../dedup/types';
import { alertBlocks } from './alert-blocks';
import { fitText } from './escape';
import { compareSeverity, formatUtc, plural, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import { blockTextLength, type SlackBlock, type SlackMessageOptions, type SlackPayload } from './types';

// Every message ends with one context block; its text is short and bounded.
const FOOTER_ROOM = 200;
const ALERT_TEXT_BUDGET = SLACK_LIMITS.messageBlockText - FOOTER_ROOM;

interface Draft {
  alerts: Alert[];
  blocks: SlackBlock[];
  textLength: number;
}

/**
 * Slack messages for one run: most severe first, then most frequent. Alerts share a message
 * while it stays within the block and text limits, so no payload is ever rejected for size.
 */
export function buildSlackMessages(alerts: Alert[], opts: SlackMessageOptions): SlackPayload[] {
  if (!Number.isFinite(opts.linkContextMinutes) || opts.linkContextMinutes < 0) {
    throw new Error(`linkContextMinutes must be a non-negative number, got ${opts.linkContextMinutes}`);
  }
  const drafts: Draft[] = [];
  for (const alert of sortAlerts(alerts)) {
    const blocks = alertBlocks(alert, opts, ALERT_TEXT_BUDGET);
    const textLength = blocks.reduce((sum, b) => sum + blockTextLength(b), 0);
    const last = drafts[drafts.length - 1];
    // +1 divider between alerts, +1 footer per message.
    if (
      last &&
      last.blocks.length + 1 + blocks.length + 1 <= SLACK_LIMITS.blocksPerMessage &&
      last.textLength + textLength <= ALERT_TEXT_BUDGET
    ) {
      last.blocks.push({ type: 'divider' }, ...blocks);
      last.alerts.push(alert);
      last.textLength += textLength;
    } else {
      drafts.push({ alerts: [alert], blocks: [...blocks], textLength });
    }
  }
  const now = opts.now ?? Date.now();
  return drafts.map((draft, i) => ({
    text: fallbackText(draft.alerts, i, drafts.length),
    blocks: [...draft.blocks, footer(i, drafts.length, alerts.length, now)],
    unfurl_links: false,
    unfurl_media: false,
  }));
}

export function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      compareSeverity(a.rule.severity, b.rule.severity) ||
      b.count - a.count ||
      a.firstSeen - b.firstSeen ||
      a.rule.id.localeCompare(b.rule.id) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

/** The notification preview: the top alert of the message, in one short escaped line. */
function fallbackText(alerts: Alert[], index: number, total: number): string {
  const [top] = alerts;
  if (!top) return 'CloudWatch log alerts';
  const { emoji, word } = SEVERITY_LABEL[top.rule.severity];
  const prefix = `${emoji} ${word} `;
  const more = alerts.length > 1 ? ` and ${plural(alerts.length - 1, 'more alert')}` : '';
  const part = total > 1 ? ` (${index + 1}/${total})` : '';
  const suffix = `: ${plural(top.count, 'hit')}${more}${part}`;
  const room = Math.max(1, SLACK_LIMITS.fallbackText - prefix.length - suffix.length);
  return prefix + fitText(top.rule.id, { maxLength: room, singleLine: true }).text + suffix;
}

function footer(index: number, total: number, alertCount: number, now: number): SlackBlock {
  const part = total > 1 ? `message ${index + 1} of ${total}  ·  ` : '';
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `CloudWatch log alerts  ·  ${part}${plural(alertCount, 'alert')} this run  ·  ${formatUtc(now)}`,
        verbatim: true,
      },
    ],
  };
}
