import { toWellFormed } from '../well-formed';

// Slack's three control characters (docs.slack.dev/messaging/formatting-message-text#escaping).
// Escaping them is what stops log text from becoming <!channel>, <@U…> or a disguised <url|label>.
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ENTITY[ch] ?? ch);
}

// Colour codes and other terminal controls are noise in Slack; tabs and newlines are kept.
// CSI (`ESC [ … final`) and OSC (`ESC ] … BEL` or `ESC ] … ESC \\`, e.g. terminal hyperlinks) sequences
// are dropped whole; any other control character, C1 included, shows as U+FFFD.
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[ -\/]*[@-~]|\u001b\][^\u0007\u001b]{0,2048}(?:\u0007|\u001b\\)/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// Bidirectional embeddings, overrides and isolates can make a line display in an order other than
// the characters it holds ("Trojan Source", CVE-2021-42574); they show as U+FFFD. The LRM/RLM marks
// cannot reorder text and are kept for right-to-left log text.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// Unicode line and paragraph separators break lines in Slack; they count as newlines.
const LINE_SEPARATOR = /[\u2028\u2029]/;

/**
 * Log text as it is redacted and shown: lone surrogates repaired and terminal escape sequences
 * removed. Redaction runs on this form, so colour codes cannot split a secret past the patterns.
 */
export function cleanLogText(raw: string): string {
  return toWellFormed(raw).replace(ANSI_SEQUENCE, '');
}

export interface FitOptions {
  /** Longest output, in UTF-16 units, counting escapes and the ellipsis. */
  maxLength: number;
  /** Longest part of the input shown, in UTF-16 units; defaults to no cap. */
  maxInput?: number;
  /** Newlines become spaces, for one-line places such as headers. */
  singleLine?: boolean;
  /** Keeps backtick runs from forming a ``` fence: a zero-width space separates adjacent backticks. */
  inCodeBlock?: boolean;
  /** Inline code cannot contain a backtick at all; it becomes a look-alike. */
  inInlineCode?: boolean;
}

export interface FittedText {
  text: string;
  truncated: boolean;
  /** How much of the (cleaned) input made it into `text`, in UTF-16 units. */
  shown: number;
  total: number;
}

const ELLIPSIS = '…';

/**
 * Escapes and shortens text for Slack in one pass over code points, so a cut can never fall
 * inside `&amp;` or between the halves of a surrogate pair; it stops early, so a 256 KB line
 * costs no more than the part shown.
 */
export function fitText(raw: string, options: FitOptions): FittedText {
  const input = cleanLogText(raw);
  const maxInput = options.maxInput ?? Infinity;
  const pieces: { out: string; used: number }[] = [];
  let length = 0;
  let shown = 0;
  let previous = '';
  for (const ch of input) {
    const out = render(ch, previous, options);
    if (length + out.length > options.maxLength || shown + ch.length > maxInput) break;
    pieces.push({ out, used: ch.length });
    length += out.length;
    shown += ch.length;
    previous = ch;
  }
  const join = () => pieces.map((p) => p.out).join('');
  if (shown === input.length) return { text: join(), truncated: false, shown, total: input.length };
  // Make room for the ellipsis (it counts against both caps) by dropping whole pieces, never part of one.
  while (pieces.length > 0 && (length + ELLIPSIS.length > options.maxLength || shown + ELLIPSIS.length > maxInput)) {
    const dropped = pieces.pop();
    length -= dropped?.out.length ?? 0;
    shown -= dropped?.used ?? 0;
  }
  return { text: join() + ELLIPSIS, truncated: true, shown, total: input.length };
}

function render(ch: string, previous: string, options: FitOptions): string {
  if (ch === '\r') return '';
  if (ch === '\n' || LINE_SEPARATOR.test(ch)) return options.singleLine ? ' ' : '\n';
  if (ch === '\t') return options.singleLine ? ' ' : '\t';
  if (CONTROL.test(ch) || BIDI_CONTROL.test(ch)) return '\uFFFD';
  if (ch === '`') {
    if (options.inInlineCode) return '\u02cb';
    if (options.inCodeBlock && previous === '`') return '\u200b`';
  }
  return ENTITY[ch] ?? ch;
}
