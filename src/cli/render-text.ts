import type { SlackPayload } from '../alerts';

/**
 * Shows a Slack payload in a terminal roughly as Slack would: mrkdwn links become `text (url)` and the
 * HTML entities Slack requires are shown as the characters a reader would see.
 */
export function renderPayloadText(payload: SlackPayload): string {
  const lines: string[] = [];
  for (const block of (payload.blocks ?? []) as Array<Record<string, any>>) {
    switch (block.type) {
      case 'header':
        lines.push(`== ${plain(block.text?.text)} ==`);
        break;
      case 'section':
        if (block.text?.text) lines.push(plain(block.text.text));
        for (const f of block.fields ?? []) lines.push(plain(f.text));
        break;
      case 'context':
        lines.push((block.elements ?? []).map((e: { text?: string }) => plain(e.text)).join('  ·  '));
        break;
      case 'divider':
        lines.push('-'.repeat(60));
        break;
      default:
        break;
    }
  }
  if (lines.length === 0 && payload.text) lines.push(plain(payload.text));
  return lines.join('\n');
}

function plain(text: unknown): string {
  return String(text ?? '')
    .replace(/<([^|<>]+)\|([^<>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
