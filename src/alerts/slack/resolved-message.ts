import type { Severity } from '../../config/types';
import { insightsQueryForPattern } from '../links/insights-link';
import { inlineCode, inlineLogText, section } from './alert-blocks';
import { insightsLinkFragment } from './alert-links';
import { fitText } from './escape';
import { formatUtc, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import type { SlackBlock, SlackPayload } from './types';

const MINUTE_MS = 60_000;

export interface ResolvedAlert {
  ruleId: string;
  fingerprint: string;
  severity: Severity;
  /** Last hit of the fingerprint (ms since the epoch). */
  lastSeen: number;
  /** When the alert was posted. */
  alertedAt: number;
  region: string;
  /** With `pattern`: a Logs Insights link over these groups from the alert to now. */
  logGroups?: string[];
  pattern?: RegExp;
}

export interface ResolvedMessageOptions {
  /** Defaults to Date.now(). */
  now?: number;
  /** Minutes of context before the alert in the Insights link; defaults to 5. */
  linkContextMinutes?: number;
  extraRedactions?: RegExp[];
}

/** A short "resolved" note for an alerted fingerprint that has gone quiet. It never pings. */
export function buildResolvedMessage(resolved: ResolvedAlert, opts: ResolvedMessageOptions = {}): SlackPayload {
  const now = opts.now ?? Date.now();
  const prefix = '✅ RESOLVED: ';
  const ruleId = fitText(resolved.ruleId, { maxLength: SLACK_LIMITS.headerText - prefix.length, singleLine: true }).text;
  const quiet = Math.max(0, Math.floor((now - resolved.lastSeen) / MINUTE_MS));
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: prefix + ruleId, emoji: true } },
    section(
      [
        `*Rule* ${inlineCode(resolved.ruleId, 150)}  ·  *Severity* ${SEVERITY_LABEL[resolved.severity].word.toLowerCase()}`,
        `*Fingerprint* ${inlineLogText(resolved.fingerprint, 300, opts)}`,
        `*Alerted* ${formatUtc(resolved.alertedAt)}  ·  *Last seen* ${formatUtc(resolved.lastSeen)} (UTC)` +
          `  ·  quiet for ${quiet} min`,
      ].join('\n'),
    ),
  ];
  if (resolved.pattern && resolved.logGroups && resolved.logGroups.length > 0) {
    const margin = (opts.linkContextMinutes ?? 5) * MINUTE_MS;
    blocks.push(
      section(
        insightsLinkFragment(
          {
            region: resolved.region,
            logGroups: resolved.logGroups,
            startMs: Math.min(resolved.alertedAt, resolved.lastSeen) - margin,
            endMs: now,
            query: insightsQueryForPattern(resolved.pattern),
          },
          "Logs Insights: this rule's hits since the alert",
        ),
      ),
    );
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `CloudWatch log alerts  ·  resolved  ·  ${formatUtc(now)}`, verbatim: true }],
  });
  const suffix = `: quiet since ${formatUtc(resolved.lastSeen)}`;
  const textPrefix = '✅ RESOLVED ';
  const room = Math.max(1, SLACK_LIMITS.fallbackText - textPrefix.length - suffix.length);
  return {
    text: textPrefix + fitText(resolved.ruleId, { maxLength: room, singleLine: true }).text + suffix,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}
