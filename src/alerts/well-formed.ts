// Log text is arbitrary UTF-16: a lone surrogate makes encodeURIComponent throw and
// shows up in Slack as garbage, so it is replaced before any encoding or escaping.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
