import type { FieldCondition } from '../config/types';

/** Largest message parsed as JSON; CloudWatch events are at most 1 MB, so this is every real one. */
const MAX_JSON_CHARS = 1_100_000;
/** Field text longer than this is cut before a `/regex/` sees it (the same bound as for messages). */
export const MAX_FIELD_TEXT = 8192;

export type JsonObject = Record<string, unknown>;

/**
 * The message as a JSON object (Lambda's JSON log format, Powertools, API Gateway JSON access logs), or
 * undefined when it is not one. Only a message whose first non-blank character is `{` is parsed.
 */
export function parseJsonObject(message: string): JsonObject | undefined {
  if (message.length > MAX_JSON_CHARS) return undefined;
  let i = 0;
  while (i < message.length && (message[i] === ' ' || message[i] === '\t' || message[i] === '\n' || message[i] === '\r')) i++;
  if (message[i] !== '{') return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The value at a dotted path (`error.type`, `records.0.id`), or undefined. Own properties only. */
export function lookup(obj: JsonObject, path: string): unknown {
  let current: unknown = obj;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      if (!own(current, segment)) return undefined;
      current = (current as JsonObject)[segment];
    }
  }
  return current;
}

/** How a field value reads for `equals` and `/regex/`: scalars as text, objects and arrays as JSON. */
export function fieldText(value: unknown): { text: string; scalar: boolean } | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { text: 'null', scalar: true };
  if (typeof value === 'string') return { text: value, scalar: true };
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value), scalar: true };
  return { text: JSON.stringify(value), scalar: false };
}

/** A field value as a `when`/`groupBy` variable: scalars as they are, others as JSON text. */
export function fieldVariable(value: unknown): string | number | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

export type RegexTest = (re: RegExp, text: string) => boolean;

/** Why the object fails `cond`, or undefined when it holds. */
export function fieldConditionFailure(obj: JsonObject, cond: FieldCondition, test: RegexTest): string | undefined {
  const value = lookup(obj, cond.path);
  const text = fieldText(value);
  if (!text) return `field '${cond.path}' is missing`;
  const bounded = text.text.length > MAX_FIELD_TEXT ? text.text.slice(0, MAX_FIELD_TEXT) : text.text;
  const holds = (c: { equals?: string; matches?: RegExp }) =>
    c.equals !== undefined ? text.scalar && text.text === c.equals : c.matches !== undefined ? test(c.matches, bounded) : false;
  const options = cond.anyOf ?? [cond];
  if (options.some(holds)) return undefined;
  const wanted = options.map((c) => (c.equals !== undefined ? JSON.stringify(c.equals) : String(c.matches))).join(' or ');
  const shown = text.text.length > 80 ? `${text.text.slice(0, 77)}...` : text.text;
  return `field '${cond.path}' is ${JSON.stringify(shown)}, not ${wanted}`;
}
