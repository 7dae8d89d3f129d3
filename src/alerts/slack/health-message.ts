import { redact } from '../redact';
import { inlineCode, inlineLogText, section } from './alert-blocks';
import { cleanLogText, fitText } from './escape';
import { formatUtc, plural } from './format';
import { SLACK_LIMITS } from './limits';
import type { SlackBlock, SlackPayload } from './types';

/** What the ops channel needs to know about the scanner itself. */
export interface ScannerHealth {
  /** Log groups a run could not read, with the (already short) reason. */
  failures: { logGroup: string; error: string }[];
  /** Slack messages built but not yet delivered. */
  pendingMessages: number;
  /** How far the scan window lags behind where it should be, in minutes. */
  backlogMinutes?: number;
  /** Ids of rules switched off (e.g. for being too slow or invalid). */
  disabledRules: string[];
  /** Formatted config problems (`file:line:col: rule <id>: message`). */
  configProblems: string[];
}

export interface HealthMessageOptions {
  /** Defaults to Date.now(). */
  now?: number;
  /** Error texts can quote log content; they are redacted like log text. */
  extraRedactions?: RegExp[];
}

// Four lists share the message's text budget; each stays well inside a section.
const LIST_BUDGET = 2_000;

/** A scanner health report for the ops channel: failures, undelivered messages, backlog, rules, config. */
export function buildHealthMessage(health: ScannerHealth, opts: HealthMessageOptions = {}): SlackPayload {
  const now = opts.now ?? Date.now();
  const backlog = health.backlogMinutes !== undefined && health.backlogMinutes > 0 ? Math.round(health.backlogMinutes) : 0;
  const pending = Math.max(0, Math.floor(health.pendingMessages));
  const summary = [
    health.failures.length > 0 ? `${plural(health.failures.length, 'log group')} failed` : '',
    pending > 0 ? `${plural(pending, 'message')} undelivered` : '',
    backlog > 0 ? `${backlog} min behind` : '',
    health.disabledRules.length > 0 ? `${plural(health.disabledRules.length, 'rule')} disabled` : '',
    health.configProblems.length > 0 ? `${plural(health.configProblems.length, 'config problem')}` : '',
  ].filter(Boolean);
  const healthy = summary.length === 0;

  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: healthy ? '✅ Scanner healthy' : `🩺 Scanner health: ${plural(summary.length, 'problem')}`, emoji: true },
    },
  ];
  if (health.failures.length > 0) {
    blocks.push(
      section(
        `*Log groups that could not be scanned* (${health.failures.length})\n` +
          bulletList(
            health.failures.map(
              (f) =>
                `${inlineLogText(f.logGroup, 200, opts)}: ${fitText(redactedError(f.error, opts), { maxLength: 300, singleLine: true }).text}`,
            ),
          ),
      ),
    );
  }
  if (pending > 0 || backlog > 0) {
    const lines: string[] = [];
    if (pending > 0) lines.push(`*Undelivered Slack messages* ${pending} pending`);
    if (backlog > 0) lines.push(`*Backlog* scanning is ${backlog} min behind schedule`);
    blocks.push(section(lines.join('\n')));
  }
  if (health.disabledRules.length > 0) {
    blocks.push(
      section(
        `*Disabled rules* (${health.disabledRules.length})\n` + bulletList(health.disabledRules.map((id) => inlineCode(id, 150)), ', '),
      ),
    );
  }
  if (health.configProblems.length > 0) {
    blocks.push(
      section(
        `*Config problems* (${health.configProblems.length})\n` +
          bulletList(health.configProblems.map((p) => fitText(p, { maxLength: 300, singleLine: true }).text)),
      ),
    );
  }
  if (healthy) blocks.push(section('No failed log groups, undelivered messages, backlog, disabled rules or config problems.'));
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `CloudWatch log alerts  ·  scanner health  ·  ${formatUtc(now)}`, verbatim: true }],
  });
  const text = healthy ? '✅ CloudWatch log alerts scanner healthy' : `🩺 CloudWatch log alerts scanner: ${summary.join(', ')}`;
  return {
    text: fitText(text, { maxLength: SLACK_LIMITS.fallbackText, singleLine: true }).text,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

function redactedError(error: string, opts: HealthMessageOptions): string {
  return redact(cleanLogText(error), opts.extraRedactions);
}

/** Items one per line (or joined by `separator`), then "…and N more" once the list budget is spent. */
function bulletList(items: string[], separator = '\n'): string {
  const bullet = separator === '\n' ? '• ' : '';
  let out = '';
  let shown = 0;
  for (const item of items) {
    const next = `${out}${shown > 0 ? separator : ''}${bullet}${item}`;
    if (next.length > LIST_BUDGET - 40) break;
    out = next;
    shown++;
  }
  const more = items.length - shown;
  return more > 0 ? `${out}${shown > 0 ? separator : ''}_…and ${more} more_` : out;
}
