/**
 * Chooses what of a log event identifies it: the Lambda line prefix goes, a JSON error payload
 * speaks through its type and message, a stack trace through its first line and error type.
 */
import { templateLine, VAR } from './template';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const LEVEL = '(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|CRITICAL)';
// Node: `2024-05-01T12:00:00.000Z\t<id>\tERROR\t`; Python: `[ERROR]\t2024-...Z\t<id>\t`; also plain spaces.
const LAMBDA_PREFIX = new RegExp(
  `^(?:\\[${LEVEL}\\]\\s+)?\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?Z?\\s+(?:RequestId:\\s*)?${UUID}\\s+(?:${LEVEL}\\s+)?`,
);
const LEVEL_TAG = new RegExp(`^\\[${LEVEL}\\]\\s+`);
const TRACEBACK = /^\s*Traceback \(most recent call last\):/;
// Frames and other stack noise that never name an event.
const FRAME = /^\s*(?:at\s|File "|\.\.\. \d+ more|\^+$|[{}[\](),]*$)/;
const ERROR_TYPE =
  /(?:^|[\s(])((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Error|Exception|Fault|Failure|Throwable|Exit))(?=:|\s|$)/;

const MESSAGE_KEYS = ['errorMessage', 'error_message', 'message', 'msg', 'Message'];
const TYPE_KEYS = ['errorType', 'error_type', 'exception_name', 'exceptionType', 'exception_type'];
const NESTED_ERROR_KEYS = ['error', 'err', 'exception'];

export function fingerprintEvent(message: string): string {
  let text = message.includes('\r') ? message.replace(/\r\n?/g, '\n') : message;
  text = stripPrefix(text.trim());
  const json = fromJson(text);
  if (json !== undefined) return json;
  return text.includes('\n') ? fromMultiLine(text) : templateLine(text);
}

function stripPrefix(text: string): string {
  const m = LAMBDA_PREFIX.exec(text) ?? LEVEL_TAG.exec(text);
  return m ? text.slice(m[0].length) : text;
}

/** `Invoke Error \t{"errorType":...}` or a whole JSON log line; undefined when it is neither. */
function fromJson(text: string): string | undefined {
  const brace = text.indexOf('{');
  if (brace < 0 || brace > 80 || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(brace));
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const label = brace > 0 ? templateLine(text.slice(0, brace)) : '';
  const body = describeObject(value);
  return label ? `${label} ${body}` : body;
}

function describeObject(obj: Record<string, unknown>): string {
  const message = firstString(obj, MESSAGE_KEYS);
  let type = firstString(obj, TYPE_KEYS);
  let detail: string | undefined;
  for (const key of NESTED_ERROR_KEYS) {
    const err = obj[key];
    if (isObject(err)) {
      type ??= firstString(err, ['name', 'type', 'errorType', 'code']);
      detail = firstString(err, ['message', 'errorMessage']);
    } else if (typeof err === 'string' && err !== '') {
      detail = err; // Python loggers put the whole traceback in a string field.
    }
    if (detail !== undefined || type !== undefined) break;
  }
  if (message === undefined && detail === undefined) return type ?? flatten(obj);
  const typed = (text: string): string => (type && !text.startsWith(type) ? `${type}: ${text}` : text);
  if (message === undefined) return typed(fromText(detail!));
  if (detail === undefined) return typed(fromText(message));
  const head = fromText(message);
  const tail = typed(fromText(detail));
  return head === tail ? head : `${head} | ${tail}`;
}

/** No message field (an access log, a metric line): the keys and templated values are the template. */
function flatten(obj: Record<string, unknown>, prefix = '', out: string[] = [], depth = 0): string {
  for (const [key, value] of Object.entries(obj)) {
    if (out.length >= 40) break;
    const name = prefix + key;
    if (isObject(value) && depth < 3) flatten(value, `${name}.`, out, depth + 1);
    else if (typeof value === 'string') out.push(`${name}=${templateLine(value) || '""'}`);
    else if (typeof value === 'number') out.push(`${name}=${VAR}`);
    else out.push(`${name}=${Array.isArray(value) ? VAR : String(value)}`);
  }
  return out.join(' ');
}

function fromText(text: string): string {
  const t = stripPrefix(text.trim());
  return t.includes('\n') ? fromMultiLine(t) : templateLine(t);
}

/** A stack trace or multi-line event: first meaningful line, plus the error type when it adds one. */
function fromMultiLine(text: string): string {
  const lines = text.split('\n');
  const tb = lines.findIndex((l) => TRACEBACK.test(l));
  const first = lines.find((l) => l.trim() !== '' && !TRACEBACK.test(l) && !FRAME.test(l));
  const head = first === undefined ? '' : templateLine(stripPrefix(first.trim()));
  if (tb >= 0) {
    const last = pythonExceptionLine(lines, tb);
    if (last !== undefined) {
      const tail = templateLine(last);
      // Logged with a message (`logger.exception("...")`): keep both; a bare traceback is its last line.
      return head === '' || head === tail || lines.indexOf(first!) > tb ? tail : `${head} | ${tail}`;
    }
  }
  if (first === undefined) return '';
  if (ERROR_TYPE.test(first)) return head;
  for (const line of lines) {
    const m = ERROR_TYPE.exec(line);
    if (m && line !== first && !/^\s*at\s/.test(line)) return `${head} | ${m[1]}`;
  }
  return head;
}

/** The exception line of a Python traceback: the last unindented line after the header. */
function pythonExceptionLine(lines: string[], header: number): string | undefined {
  for (let i = lines.length - 1; i > header; i--) {
    const line = lines[i]!;
    if (line.trim() === '' || /^\s/.test(line)) continue;
    if (/^(?:During handling|The above exception)/.test(line)) continue;
    return line.trim();
  }
  return undefined;
}

function firstString(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    const v = obj[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
