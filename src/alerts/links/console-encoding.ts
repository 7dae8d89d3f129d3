import { toWellFormed } from '../well-formed';

/**
 * A name inside a `#logsV2:` hash path is URI-encoded twice and then `%` becomes `$`
 * (`/` → `%2F` → `%252F` → `$252F`). The second encoding only touches `%`, so this is
 * encodeURIComponent once with `%` → `$25`.
 */
export function encodeLogsV2Name(name: string): string {
  return encodeURIComponent(toWellFormed(name)).replace(/%/g, '$25');
}

/** `?`, `=` and `&` of the hash's own query string, encoded once with `%` → `$`. */
export const HASH_QUERY = { start: '$3F', equals: '$3D', and: '$26' } as const;

/**
 * A string value in JSURL (github.com/Sage/jsurl), the notation of the Logs Insights
 * `queryDetail`: `'` prefix, `[A-Za-z0-9_.-]` kept, `$` → `!`, other UTF-16 units
 * → `*xx` (below 0x100) or `**xxxx`, lower-case hex as the console writes it.
 */
export function jsurlString(value: string): string {
  const encoded = value.replace(/[^\w.-]/g, (ch) => {
    if (ch === '$') return '!';
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `*${code.toString(16).padStart(2, '0')}` : `**${code.toString(16).padStart(4, '0')}`;
  });
  return `'${encoded}`;
}
