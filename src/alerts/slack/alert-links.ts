import type { Alert } from '../../dedup/types';
import { logStreamAtEventUrl } from '../links/log-stream-link';
import { insightsQueryForPattern, logsInsightsUrl, MAX_INSIGHTS_LOG_GROUPS } from '../links/insights-link';
import { findTraceId, isTraceId, xrayTraceUrl } from '../links/trace-link';
import { SLACK_LIMITS } from './limits';
import type { SlackMessageOptions } from './types';

// A URL is placed in `<url|label>` unescaped (Slack does not decode entities in link targets),
// so it must not contain the characters that end or split that token.
const SLACK_SAFE_URL = /^https:\/\/[^\s<>|&]+$/;
/** Longest URL we link; with its label it must fit one section. */
export const MAX_LINK_URL = SLACK_LIMITS.sectionText - 100;

const MINUTE_MS = 60_000;

/** A ready mrkdwn fragment: either a link or a note saying why it is missing. */
export type LinkFragment = string;

export function alertLinks(alert: Alert, opts: SlackMessageOptions): LinkFragment[] {
  const minutes = opts.linkContextMinutes;
  const links = [
    link(logStreamAtEventUrl(opts.region, alert.sample, minutes), `Log stream at the hit (±${minutes} min)`, 'Log stream'),
    insightsLink(alert, opts),
  ];
  const traceId = alert.traceId !== undefined && isTraceId(alert.traceId) ? alert.traceId : findTraceId(alert.sample.message);
  if (traceId) links.push(link(xrayTraceUrl(opts.region, traceId), `X-Ray trace ${traceId}`, 'X-Ray trace'));
  return links;
}

function insightsLink(alert: Alert, opts: SlackMessageOptions): LinkFragment {
  const margin = opts.linkContextMinutes * MINUTE_MS;
  const all = [...new Set(alert.logGroups.length > 0 ? alert.logGroups : [alert.sample.logGroup])];
  const query = insightsQueryForPattern(alert.rule.pattern);
  const urlFor = (count: number) =>
    logsInsightsUrl({
      region: opts.region,
      logGroups: all.slice(0, count),
      startMs: alert.firstSeen - margin,
      endMs: alert.lastSeen + margin,
      query,
    });
  // Many or long group names can outgrow a section; drop groups from the end until it fits.
  let count = Math.min(all.length, MAX_INSIGHTS_LOG_GROUPS);
  let url = urlFor(count);
  while (url.length > MAX_LINK_URL && count > 1) url = urlFor(--count);
  const scope = count < all.length ? ` (first ${count} of ${all.length} log groups)` : '';
  return link(url, `Logs Insights: this rule's hits${scope}`, 'Logs Insights');
}

function link(url: string, label: string, what: string): LinkFragment {
  if (!SLACK_SAFE_URL.test(url)) return `_${what} link left out: unexpected characters in URL._`;
  if (url.length > MAX_LINK_URL) return `_${what} link left out: URL too long for Slack._`;
  return `<${url}|${label}>`;
}

/** Joins links into as few section texts as the section limit allows. */
export function packLinks(links: LinkFragment[]): string[] {
  const separator = '  •  ';
  const texts: string[] = [];
  let current = '';
  for (const fragment of links) {
    const next = current ? `${current}${separator}${fragment}` : fragment;
    if (next.length <= SLACK_LIMITS.sectionText) current = next;
    else {
      if (current) texts.push(current);
      current = fragment;
    }
  }
  if (current) texts.push(current);
  return texts;
}
