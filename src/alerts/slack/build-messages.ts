import type { Alert } from '../../dedup/types';
import { alertBlocks, alertMentionTokens } from './alert-blocks';
import { fitText } from './escape';
import { compareSeverity, formatUtc, plural, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import { mentionPrefix } from './mention';
import { blockTextLength, jsonBytes, type SlackBlock, type SlackMessageOptions, type SlackPayload } from './types';

// Every message ends with one context block; its text is short and bounded.
const FOOTER_ROOM = 200;
const ALERT_TEXT_BUDGET = SLACK_LIMITS.messageBlockText - FOOTER_ROOM;
// Bytes kept for everything but the alert blocks: the notification text (≤ 150 characters, up to
// 4 bytes each), the footer, the unfurl flags and the JSON around them.
const ENVELOPE_BYTES = 2_000;
const ALERT_BYTE_BUDGET = SLACK_LIMITS.payloadBytes - ENVELOPE_BYTES;
// Mentions lead the notification text so the notification pings; the rest keeps some room.
const TEXT_MENTIONS_ROOM = 80;

interface Draft {
  alerts: Alert[];
  blocks: SlackBlock[];
  textLength: number;
  bytes: number;
}

/** One message and the alerts it carries, so a caller can record which alerts were delivered. */
export interface PlannedMessage {
  payload: SlackPayload;
  alerts: Alert[];
}

/**
 * Slack messages for one run: most severe first, then most frequent. Alerts share a message
 * while it stays within the block, text and byte limits, so no payload is ever rejected for size.
 */
export function buildSlackMessages(alerts: Alert[], opts: SlackMessageOptions): SlackPayload[] {
  return planSlackMessages(alerts, opts).map((m) => m.payload);
}

/** `buildSlackMessages` with the alerts of each message alongside it. */
export function planSlackMessages(alerts: Alert[], opts: SlackMessageOptions): PlannedMessage[] {
  if (!Number.isFinite(opts.linkContextMinutes) || opts.linkContextMinutes < 0) {
    throw new Error(`linkContextMinutes must be a non-negative number, got ${opts.linkContextMinutes}`);
  }
  const drafts: Draft[] = [];
  for (const alert of sortAlerts(alerts)) {
    const blocks = alertBlocks(alert, opts, ALERT_TEXT_BUDGET, ALERT_BYTE_BUDGET);
    const textLength = blocks.reduce((sum, b) => sum + blockTextLength(b), 0);
    // Each block joins the array with a comma; a divider is `{"type":"divider"}`.
    const bytes = blocks.reduce((sum, b) => sum + jsonBytes(b) + 1, 0);
    const dividerBytes = jsonBytes({ type: 'divider' }) + 1;
    const last = drafts[drafts.length - 1];
    // +1 divider between alerts, +1 footer per message.
    if (
      last &&
      last.blocks.length + 1 + blocks.length + 1 <= SLACK_LIMITS.blocksPerMessage &&
      last.textLength + textLength <= ALERT_TEXT_BUDGET &&
      last.bytes + dividerBytes + bytes <= ALERT_BYTE_BUDGET
    ) {
      last.blocks.push({ type: 'divider' }, ...blocks);
      last.alerts.push(alert);
      last.textLength += textLength;
      last.bytes += dividerBytes + bytes;
    } else {
      drafts.push({ alerts: [alert], blocks: [...blocks], textLength, bytes });
    }
  }
  const now = opts.now ?? Date.now();
  return drafts.map((draft, i) => ({
    alerts: draft.alerts,
    payload: {
      text: fallbackText(draft.alerts, i, drafts.length),
      blocks: [...draft.blocks, footer(i, drafts.length, alerts.length, now)],
      unfurl_links: false,
      unfurl_media: false,
    },
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

/**
 * The notification preview: the mentions the message's rules ask for, then the top alert of the
 * message, in one short escaped line.
 */
function fallbackText(alerts: Alert[], index: number, total: number): string {
  const [top] = alerts;
  if (!top) return 'CloudWatch log alerts';
  const mentions = mentionPrefix([...new Set(alerts.flatMap(alertMentionTokens))], TEXT_MENTIONS_ROOM);
  const { emoji, word } = SEVERITY_LABEL[top.rule.severity];
  const prefix = `${mentions ? `${mentions} ` : ''}${emoji} ${word} `;
  const more = alerts.length > 1 ? ` and ${plural(alerts.length - 1, 'more alert')}` : '';
  const part = total > 1 ? ` (${index + 1}/${total})` : '';
  const suffix = `: ${plural(top.count, 'hit')}${more}${part}`;
  const room = Math.max(1, SLACK_LIMITS.fallbackText - prefix.length - suffix.length);
  return prefix + fitText(top.rule.id, { maxLength: room, singleLine: true }).text + suffix;
}

export function footer(index: number, total: number, alertCount: number, now: number, what = 'alert'): SlackBlock {
  const part = total > 1 ? `message ${index + 1} of ${total}  ·  ` : '';
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `CloudWatch log alerts  ·  ${part}${plural(alertCount, what)} this run  ·  ${formatUtc(now)}`,
        verbatim: true,
      },
    ],
  };
}
