// The subset of Block Kit this stage emits; structurally compatible with @slack/types.

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
  /** true: Slack does not auto-link bare URLs, #channels or @mentions found in the text. */
  verbatim?: boolean;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  text: Mrkdwn;
}

export interface ContextBlock {
  type: 'context';
  elements: Mrkdwn[];
}

export interface DividerBlock {
  type: 'divider';
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** One incoming-webhook message, posted as-is. */
export interface SlackPayload {
  /** Notification / fallback text; always present, because Slack shows it where blocks are not rendered. */
  text: string;
  blocks: SlackBlock[];
  /** Log lines often contain URLs; previews of them would be noise or a leak. */
  unfurl_links: false;
  unfurl_media: false;
}

export interface SlackMessageOptions {
  region: string;
  linkContextMinutes: number;
  maxSampleChars: number;
  /** Time the run happened (ms since the epoch); shown in the footer. Defaults to Date.now(). */
  now?: number;
  /** Patterns redacted from log text on top of the built-in secret patterns (see `redact`). */
  extraRedactions?: RegExp[];
}

/** Size of `value` as posted: UTF-8 bytes of its JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Characters of text a block carries, for the cumulative per-message budget. */
export function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, e) => sum + e.text.length, 0);
    case 'divider':
      return 0;
  }
}
