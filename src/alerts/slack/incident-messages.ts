import type { Alert } from '../../dedup/types';
import { isTraceId, xrayTraceUrl } from '../links/trace-link';
import { redact } from '../redact';
import { alertMentionTokens, inlineCode, inlineLogText, section } from './alert-blocks';
import { insightsLinkFragment, link, nameIsClean, packLinks, streamLink, type LinkFragment } from './alert-links';
import { cleanLogText, fitText } from './escape';
import { compareSeverity, formatUtc, plural, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import { mentionPrefix } from './mention';
import { blockTextLength, jsonBytes, type SlackBlock, type SlackMessageOptions, type SlackPayload } from './types';

/** Alerts of one run that share an X-Ray trace id or a request id: one failure seen from several places. */
export interface Incident {
  key: string;
  keyKind: 'trace' | 'request';
  alerts: Alert[];
}

const MINUTE_MS = 60_000;
const TEXT_BUDGET = SLACK_LIMITS.messageBlockText - 200;
const BYTE_BUDGET = SLACK_LIMITS.payloadBytes - 2_000;
// A key goes into the Insights query string only when it is plainly an id (no quotes, no spaces).
const QUERYABLE_KEY = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/**
 * One message per incident (more only when its parts do not fit one): the shared key, a link to
 * the trace (for a trace id) and to every line carrying the key, then each part in time order
 * with its rule, sample and its own stream link.
 */
export function buildIncidentMessages(incidents: Incident[], opts: SlackMessageOptions): SlackPayload[] {
  if (!Number.isFinite(opts.linkContextMinutes) || opts.linkContextMinutes < 0) {
    throw new Error(`linkContextMinutes must be a non-negative number, got ${opts.linkContextMinutes}`);
  }
  const now = opts.now ?? Date.now();
  return incidents
    .filter((incident) => incident.alerts.length > 0)
    .map((incident) => ({ incident, severity: topSeverity(incident.alerts), first: Math.min(...incident.alerts.map((a) => a.firstSeen)) }))
    .sort((a, b) => compareSeverity(a.severity, b.severity) || b.incident.alerts.length - a.incident.alerts.length || a.first - b.first)
    .flatMap(({ incident }) => incidentPayloads(incident, opts, now));
}

function topSeverity(alerts: Alert[]) {
  return alerts.map((a) => a.rule.severity).sort(compareSeverity)[0] ?? 'info';
}

function incidentPayloads(incident: Incident, opts: SlackMessageOptions, now: number): SlackPayload[] {
  const parts = [...incident.alerts].sort(
    (a, b) => a.sample.timestamp - b.sample.timestamp || compareSeverity(a.rule.severity, b.rule.severity),
  );
  const severity = topSeverity(parts);
  const { emoji, word } = SEVERITY_LABEL[severity];
  const what = incident.keyKind === 'trace' ? 'trace' : 'request';
  const mentions = [...new Set(parts.flatMap(alertMentionTokens))];
  const title = `${emoji} ${word}: ${plural(parts.length, 'alert')} share one ${what}`;

  const lead: SlackBlock[] = [
    header(title),
    section(introText(incident, parts, mentions, opts)),
    ...packLinks(incidentLinks(incident, parts, opts)).map(section),
  ];
  const sampleChars = Math.max(100, Math.min(opts.maxSampleChars, 500, Math.floor(4000 / parts.length)));
  const partBlocks = parts.map((alert, i) => partSections(alert, i, opts, sampleChars));

  // Pack: the lead opens the first message; parts follow while blocks, text and bytes allow.
  const messages: SlackBlock[][] = [];
  let current = [...lead];
  let text = sumText(current);
  let bytes = sumBytes(current);
  for (const blocks of partBlocks) {
    const t = sumText(blocks);
    const b = sumBytes(blocks);
    if (current.length + blocks.length + 1 > SLACK_LIMITS.blocksPerMessage || text + t > TEXT_BUDGET || bytes + b > BYTE_BUDGET) {
      messages.push(current);
      current = [header(`${title} (continued)`)];
      text = sumText(current);
      bytes = sumBytes(current);
    }
    current.push(...blocks);
    text += t;
    bytes += b;
  }
  messages.push(current);

  return messages.map((blocks, i) => {
    const part = messages.length > 1 ? ` (${i + 1}/${messages.length})` : '';
    // Mentions lead the notification text so the notification pings.
    const prefix = mentionPrefix(mentions, 80);
    return {
      text: `${prefix ? `${prefix} ` : ''}${emoji} ${word} incident: ${plural(parts.length, 'alert')} share one ${what}${part}`,
      blocks: [
        ...blocks,
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `CloudWatch log alerts  ·  incident${messages.length > 1 ? `  ·  message ${i + 1} of ${messages.length}` : ''}  ·  ${formatUtc(now)}`,
              verbatim: true,
            },
          ],
        },
      ],
      unfurl_links: false,
      unfurl_media: false,
    };
  });
}

function header(title: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: fitText(title, { maxLength: SLACK_LIMITS.headerText, singleLine: true }).text, emoji: true } };
}

function introText(incident: Incident, parts: Alert[], mentions: string[], opts: SlackMessageOptions): string {
  const rules = new Set(parts.map((a) => a.rule.id)).size;
  const groups = new Set(parts.flatMap((a) => [a.sample.logGroup, ...a.logGroups])).size;
  const label = incident.keyKind === 'trace' ? 'Trace' : 'Request id';
  const lines = [
    `*${label}* ${inlineLogText(incident.key, 150, opts)}  ·  ${plural(parts.length, 'alert')} from ${plural(rules, 'rule')} in ${plural(groups, 'log group')}`,
    `*First seen* ${formatUtc(Math.min(...parts.map((a) => a.firstSeen)))}  ·  *Last seen* ${formatUtc(Math.max(...parts.map((a) => a.lastSeen)))} (UTC)`,
  ];
  const cc = mentionPrefix(mentions, 150);
  if (cc) lines.push(`cc ${cc}`);
  return lines.join('\n');
}

function incidentLinks(incident: Incident, parts: Alert[], opts: SlackMessageOptions): LinkFragment[] {
  const links: LinkFragment[] = [];
  const key = incident.key;
  if (incident.keyKind === 'trace' && isTraceId(key)) links.push(link(xrayTraceUrl(opts.region, key), `X-Ray trace ${key}`, 'X-Ray trace'));
  // Only a key that redaction leaves alone and that cannot break out of the query string.
  if (QUERYABLE_KEY.test(key) && redact(key, opts.extraRedactions) === key) {
    const margin = opts.linkContextMinutes * MINUTE_MS;
    links.push(
      insightsLinkFragment(
        {
          region: opts.region,
          logGroups: parts.flatMap((a) => [a.sample.logGroup, ...a.logGroups]).filter((g) => nameIsClean(g, opts)),
          startMs: Math.min(...parts.map((a) => a.firstSeen)) - margin,
          endMs: Math.max(...parts.map((a) => a.lastSeen)) + margin,
          query: `fields @timestamp, @log, @logStream, @message | filter @message like "${key}" | sort @timestamp asc | limit 500`,
        },
        `Logs Insights: every line with this ${incident.keyKind === 'trace' ? 'trace id' : 'request id'}`,
      ),
    );
  }
  return links;
}

/** One part: rule, count, where, a short sample and the stream link; two sections if one would be too long. */
function partSections(alert: Alert, index: number, opts: SlackMessageOptions, sampleChars: number): SlackBlock[] {
  const { emoji } = SEVERITY_LABEL[alert.rule.severity];
  const summary = [
    `*${index + 1}.* ${emoji} ${inlineCode(alert.rule.id, 100)}  ·  ${plural(alert.count, 'hit')}  ·  ${formatUtc(alert.sample.timestamp)}`,
    `${inlineLogText(alert.sample.logGroup, 150, opts)} / ${inlineLogText(alert.sample.logStream, 150, opts)}`,
  ].join('\n');
  const message = redact(cleanLogText(alert.sample.message), opts.extraRedactions).trimEnd();
  const sample = message
    ? `\`\`\`\n${fitText(message, { maxLength: sampleChars * 2, maxInput: sampleChars, inCodeBlock: true }).text}\n\`\`\``
    : '_The sample line is empty._';
  const stream = streamLink(alert.sample, opts);
  const whole = `${summary}\n${sample}\n${stream}`;
  if (whole.length <= SLACK_LIMITS.sectionText) return [section(whole)];
  return [section(`${summary}\n${sample}`), section(stream)];
}

function sumText(blocks: SlackBlock[]): number {
  return blocks.reduce((sum, b) => sum + blockTextLength(b), 0);
}

function sumBytes(blocks: SlackBlock[]): number {
  return blocks.reduce((sum, b) => sum + jsonBytes(b) + 1, 0);
}
