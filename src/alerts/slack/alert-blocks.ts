import type { Alert } from '../../dedup/types';
import { redact } from '../redact';
import { cleanLogText, fitText } from './escape';
import { formatUtc, plural, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import { alertLinks, packLinks } from './alert-links';
import { mentionPrefix, ruleMentions } from './mention';
import { blockTextLength, jsonBytes, type SlackBlock, type SlackMessageOptions } from './types';

const SHOWN_LOG_GROUPS = 5;
const SHOWN_INVALID_MENTIONS = 3;
const MENTIONS_ROOM = 150;
const FENCE_OPEN = '```\n';
const FENCE_CLOSE = '\n```';
// Room for "_Sample truncated: first N of M characters shown._" under the code block.
const TRUNCATION_NOTE_ROOM = 100;
// Below this the sample is not shrunk further to meet the byte budget (the rest of an alert is small).
const MIN_SAMPLE_BUDGET = 300;

/**
 * One alert as header, summary, sample and links. `textBudget` caps the alert's total text and
 * `byteBudget` its serialized size; the sample is the part that gives way, so an alert always
 * fits one message.
 */
export function alertBlocks(
  alert: Alert,
  opts: SlackMessageOptions,
  textBudget: number,
  byteBudget: number = SLACK_LIMITS.payloadBytes,
): SlackBlock[] {
  const fixed: SlackBlock[] = [headerBlock(alert), section(summaryText(alert, opts))];
  const links = packLinks(alertLinks(alert, opts)).map(section);
  const used = [...fixed, ...links].reduce((sum, b) => sum + blockTextLength(b), 0);
  // Redacted once, before any cut: a truncated secret must not show its first half.
  const message = redact(cleanLogText(alert.sample.message), opts.extraRedactions).trimEnd();
  for (let budget = textBudget - used; ; budget = Math.floor(budget * 0.7)) {
    const blocks = [...fixed, section(sampleText(message, opts.maxSampleChars, budget)), ...links];
    if (budget <= MIN_SAMPLE_BUDGET || jsonBytes(blocks) <= byteBudget) return blocks;
  }
}

function headerBlock(alert: Alert): SlackBlock {
  const { emoji, word } = SEVERITY_LABEL[alert.rule.severity];
  const prefix = `${emoji} ${word}: `;
  const ruleId = fitText(alert.rule.id, { maxLength: SLACK_LIMITS.headerText - prefix.length, singleLine: true });
  return { type: 'header', text: { type: 'plain_text', text: prefix + ruleId.text, emoji: true } };
}

/** Inline code of config text, escaped and shortened. */
export function inlineCode(text: string, maxLength: number): string {
  return `\`${fitText(text, { maxLength, singleLine: true, inInlineCode: true }).text || ' '}\``;
}

/** Inline code of a log-derived name (stream, group, fingerprint, request id): redacted first. */
export function inlineLogText(text: string, maxLength: number, opts: Pick<SlackMessageOptions, 'extraRedactions'>): string {
  return inlineCode(redact(cleanLogText(text), opts.extraRedactions), maxLength);
}

function summaryText(alert: Alert, opts: SlackMessageOptions): string {
  const description = fitText(alert.rule.description, { maxLength: 600 }).text;
  const groups = alert.logGroups.slice(0, SHOWN_LOG_GROUPS).map((g) => inlineLogText(g, 120, opts));
  const moreGroups = alert.logGroups.length - groups.length;
  const streams = new Set(alert.streams.map((s) => `${s.logGroup}\u0000${s.logStream}`)).size;
  return [
    `*Rule* ${inlineCode(alert.rule.id, 150)}${description ? `: ${description}` : ''}`,
    ...ownerLines(alert),
    ...repeatLine(alert),
    `*Count* ${alert.count}  ·  *First seen* ${formatUtc(alert.firstSeen)}  ·  *Last seen* ${formatUtc(alert.lastSeen)} (UTC)`,
    `*${alert.logGroups.length === 1 ? 'Log group' : 'Log groups'}* ${groups.join(', ') || '—'}` +
      `${moreGroups > 0 ? ` and ${moreGroups} more` : ''}  ·  *Streams* ${streams}`,
    `*Sample* from ${inlineLogText(alert.sample.logStream, 200, opts)} at ${formatUtc(alert.sample.timestamp)}`,
  ].join('\n');
}

/** `*Owner* …  ·  cc <!here>`: who to ask, and the pings the rule asked for (and only those). */
function ownerLines(alert: Alert): string[] {
  const parts: string[] = [];
  const owner = alert.rule.owner?.trim() ? fitText(alert.rule.owner.trim(), { maxLength: 150, singleLine: true }).text : '';
  if (owner) parts.push(`*Owner* ${owner}`);
  const { tokens, invalid } = ruleMentions(alert.rule.mention);
  const mentions = mentionPrefix(tokens, MENTIONS_ROOM);
  if (mentions) parts.push(`cc ${mentions}`);
  const lines = parts.length > 0 ? [parts.join('  ·  ')] : [];
  if (invalid.length > 0) {
    const shown = invalid.slice(0, SHOWN_INVALID_MENTIONS).map((m) => `\`${m}\``).join(', ');
    const more = invalid.length > SHOWN_INVALID_MENTIONS ? ` and ${invalid.length - SHOWN_INVALID_MENTIONS} more` : '';
    lines.push(`_Mention ${shown}${more} ignored: use here, channel, a user id (U…) or a user group id (S…)._`);
  }
  return lines;
}

/** Mention tokens the alert's rule asks for, for the message's notification text. */
export function alertMentionTokens(alert: Alert): string[] {
  return ruleMentions(alert.rule.mention).tokens;
}

/** "Still happening: N more since <time>" on an alert re-posted after its quiet period. */
function repeatLine(alert: Alert): string[] {
  const since = alert.suppressedSince ?? alert.previouslyAlertedAt;
  if (since === undefined) return [];
  const more = alert.suppressedCount ?? alert.count;
  const last =
    alert.previouslyAlertedAt !== undefined && alert.previouslyAlertedAt !== since
      ? `  ·  last alerted ${formatUtc(alert.previouslyAlertedAt)}`
      : '';
  return [`*Still happening:* ${more} more since ${formatUtc(since)}${last}`];
}

function sampleText(message: string, maxSampleChars: number, budget: number): string {
  // Lambda ends every event with a newline; trailing blank lines only push the links off screen.
  if (message.length === 0) return '_The sample line is empty._';
  const room = Math.min(SLACK_LIMITS.sectionText, budget) - FENCE_OPEN.length - FENCE_CLOSE.length - TRUNCATION_NOTE_ROOM;
  const body = fitText(message, {
    maxLength: Math.max(1, room),
    maxInput: Math.max(1, maxSampleChars),
    inCodeBlock: true,
  });
  const note = body.truncated
    ? `\n_Sample truncated: first ${body.shown} of ${plural(body.total, 'character')} shown._`
    : '';
  return `${FENCE_OPEN}${body.text}${FENCE_CLOSE}${note}`;
}

export function section(text: string): SlackBlock {
  // verbatim: log and config text must not be auto-linked; our <url|label> links still render.
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}
