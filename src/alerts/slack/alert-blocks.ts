import type { Alert } from '../../dedup/types';
import { fitText } from './escape';
import { formatUtc, plural, SEVERITY_LABEL } from './format';
import { SLACK_LIMITS } from './limits';
import { alertLinks, packLinks } from './alert-links';
import { blockTextLength, type SlackBlock, type SlackMessageOptions } from './types';

const SHOWN_LOG_GROUPS = 5;
const FENCE_OPEN = '```\n';
const FENCE_CLOSE = '\n```';
// Room for "_Sample truncated: first N of M characters shown._" under the code block.
const TRUNCATION_NOTE_ROOM = 100;

/**
 * One alert as header, summary, sample and links. `textBudget` caps the alert's total text;
 * the sample is the part that gives way, so an alert always fits one message.
 */
export function alertBlocks(alert: Alert, opts: SlackMessageOptions, textBudget: number): SlackBlock[] {
  const fixed: SlackBlock[] = [headerBlock(alert), section(summaryText(alert))];
  const links = packLinks(alertLinks(alert, opts)).map(section);
  const used = [...fixed, ...links].reduce((sum, b) => sum + blockTextLength(b), 0);
  const sample = section(sampleText(alert, opts.maxSampleChars, textBudget - used));
  return [...fixed, sample, ...links];
}

function headerBlock(alert: Alert): SlackBlock {
  const { emoji, word } = SEVERITY_LABEL[alert.rule.severity];
  const prefix = `${emoji} ${word}: `;
  const ruleId = fitText(alert.rule.id, { maxLength: SLACK_LIMITS.headerText - prefix.length, singleLine: true });
  return { type: 'header', text: { type: 'plain_text', text: prefix + ruleId.text, emoji: true } };
}

function summaryText(alert: Alert): string {
  const inline = (text: string, maxLength: number) =>
    `\`${fitText(text, { maxLength, singleLine: true, inInlineCode: true }).text || ' '}\``;
  const description = fitText(alert.rule.description, { maxLength: 600 }).text;
  const groups = alert.logGroups.slice(0, SHOWN_LOG_GROUPS).map((g) => inline(g, 120));
  const moreGroups = alert.logGroups.length - groups.length;
  const streams = new Set(alert.streams.map((s) => `${s.logGroup}\u0000${s.logStream}`)).size;
  return [
    `*Rule* ${inline(alert.rule.id, 150)}${description ? `: ${description}` : ''}`,
    `*Count* ${alert.count}  ·  *First seen* ${formatUtc(alert.firstSeen)}  ·  *Last seen* ${formatUtc(alert.lastSeen)} (UTC)`,
    `*${alert.logGroups.length === 1 ? 'Log group' : 'Log groups'}* ${groups.join(', ') || '—'}` +
      `${moreGroups > 0 ? ` and ${moreGroups} more` : ''}  ·  *Streams* ${streams}`,
    `*Sample* from ${inline(alert.sample.logStream, 200)} at ${formatUtc(alert.sample.timestamp)}`,
  ].join('\n');
}

function sampleText(alert: Alert, maxSampleChars: number, budget: number): string {
  // Lambda ends every event with a newline; trailing blank lines only push the links off screen.
  const message = alert.sample.message.trimEnd();
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

function section(text: string): SlackBlock {
  // verbatim: log and config text must not be auto-linked; our <url|label> links still render.
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}
