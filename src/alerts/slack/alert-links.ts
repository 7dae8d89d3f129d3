import type { Alert } from '../../dedup/types';
import { logStreamAtEventUrl } from '../links/log-stream-link';
import {
  insightsQueryForPattern,
  logsInsightsUrl,
  MAX_INSIGHTS_LOG_GROUPS,
  type InsightsLinkInput,
} from '../links/insights-link';
import { findTraceId, isTraceId, xrayTraceUrl } from '../links/trace-link';
import { redact } from '../redact';
import { fitText } from './escape';
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

// A runbook from the config is linked only when it cannot break out of `<url|Runbook>`.
const RUNBOOK_URL = /^https?:\/\/[^\s<>|\u0000-\u001f\u007f-\u009f]+$/i;

export function alertLinks(alert: Alert, opts: SlackMessageOptions): LinkFragment[] {
  const minutes = opts.linkContextMinutes;
  const links = [
    ...runbookLink(alert.rule.runbook),
    streamLink(alert.sample, opts),
    insightsLink(alert, opts),
  ];
  const traceId = alert.traceId !== undefined && isTraceId(alert.traceId) ? alert.traceId : findTraceId(alert.sample.message);
  if (traceId) links.push(link(xrayTraceUrl(opts.region, traceId), `X-Ray trace ${traceId}`, 'X-Ray trace'));
  return links;
}

/**
 * Names go into link targets as they are (a redacted name would not open), so a link is left out
 * when redaction would change a name in it: nothing that looks like a secret leaves in a URL either.
 */
export function nameIsClean(name: string, opts: Pick<SlackMessageOptions, 'extraRedactions'>): boolean {
  return redact(name, opts.extraRedactions) === name;
}

/** The console's view of the stream around one hit. */
export function streamLink(
  event: { logGroup: string; logStream: string; timestamp: number },
  opts: SlackMessageOptions,
): LinkFragment {
  if (!nameIsClean(event.logGroup, opts) || !nameIsClean(event.logStream, opts)) {
    return '_Log stream link left out: the log group or stream name contains what looks like a secret._';
  }
  const minutes = opts.linkContextMinutes;
  return link(logStreamAtEventUrl(opts.region, event, minutes), `Log stream at the hit (±${minutes} min)`, 'Log stream');
}

/** The rule's runbook, first because it is the first thing to open; shown as text when it is not a safe URL. */
export function runbookLink(runbook: string | undefined): LinkFragment[] {
  const url = runbook?.trim();
  if (!url) return [];
  if (url.length > MAX_LINK_URL) return ['_Runbook link left out: URL too long for Slack._'];
  if (RUNBOOK_URL.test(url)) return [`<${url}|Runbook>`];
  const text = fitText(url, { maxLength: 300, singleLine: true, inInlineCode: true }).text;
  return [`*Runbook* \`${text}\` _(not linked: only http(s) URLs without spaces, |, &lt; or &gt; are)_`];
}

function insightsLink(alert: Alert, opts: SlackMessageOptions): LinkFragment {
  const margin = opts.linkContextMinutes * MINUTE_MS;
  return insightsLinkFragment(
    {
      region: opts.region,
      logGroups: (alert.logGroups.length > 0 ? alert.logGroups : [alert.sample.logGroup]).filter((g) => nameIsClean(g, opts)),
      startMs: alert.firstSeen - margin,
      endMs: alert.lastSeen + margin,
      query: insightsQueryForPattern(alert.rule.pattern),
    },
    "Logs Insights: this rule's hits",
  );
}

/** A Logs Insights link labelled `label`, over as many of the log groups as fit one section. */
export function insightsLinkFragment(input: InsightsLinkInput, label: string): LinkFragment {
  const all = [...new Set(input.logGroups)];
  if (all.length === 0) return '_Logs Insights link left out: no log group name can be put in a link._';
  const urlFor = (count: number) => logsInsightsUrl({ ...input, logGroups: all.slice(0, count) });
  // Many or long group names can outgrow a section; drop groups from the end until it fits.
  let count = Math.min(all.length, MAX_INSIGHTS_LOG_GROUPS);
  let url = urlFor(count);
  while (url.length > MAX_LINK_URL && count > 1) url = urlFor(--count);
  const scope = count < all.length ? ` (first ${count} of ${all.length} log groups)` : '';
  return link(url, `${label}${scope}`, 'Logs Insights');
}

/** `<url|label>`, or a note saying why the link is missing; `label` must already be escaped. */
export function link(url: string, label: string, what: string): LinkFragment {
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
