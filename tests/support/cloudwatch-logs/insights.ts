import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { AwsError, constraintViolation, invalidParameter } from './errors';
import type { Handler, HandlerContext } from './context';
import { LogGroup, LogStore, StoredEvent } from './store';
import { Body, optInt, optString, reqString } from './validate';

/**
 * CloudWatch Logs Insights (StartQuery / GetQueryResults / StopQuery / DescribeQueries / GetLogRecord)
 * for the subset of the query language the scanner generates:
 *
 *   fields @timestamp, @message, @logStream, @log   (also `display`; @ptr is always returned)
 *   | filter @message like /re/ or @message like "text" and not …   (also =~, =, !=, parentheses)
 *   | sort @timestamp asc|desc
 *   | limit N
 *
 * Shapes follow the API reference: StartQuery takes start/end in epoch SECONDS, both inclusive; results are
 * arrays of {field, value}; statistics carry recordsMatched/recordsScanned/bytesScanned. A query is
 * Scheduled, then Running, then Complete after a configurable delay (real time, not the event clock).
 *
 * The regex dialect AWS uses is not documented, so `like /re/` here accepts only what Java's regex and RE2
 * both read alike: a leading inline flag group ((?i), (?s), (?m)), `\x{H…}` code points, and otherwise
 * JavaScript syntax; lookbehind, backreferences, named groups and `\u` escapes are MalformedQueryException,
 * so a translator that passes here emits portable patterns.
 */

export interface InsightsOptions {
  /** How long a query stays Scheduled/Running before Complete (ms of real time); default 50. */
  queryDelayMs?: number | ((q: { logGroups: string[]; queryString: string }) => number);
  /** Concurrent (Scheduled or Running) queries per account; default 30 (API reference: "up to 30"; the user guide now says 100). */
  maxConcurrentQueries?: number;
  /** Log groups per StartQuery (logGroupNames / logGroupIdentifiers); default 50. */
  maxLogGroupsPerQuery?: number;
  /** Largest `limit` (StartQuery parameter and `| limit N`); default 10,000. The newer API pages to 100,000. */
  maxQueryLimit?: number;
  /** Cut every returned field value to this many characters (some users report @message cut at ~1,000). */
  maxFieldChars?: number;
  /** Final status of a query; default Complete. */
  outcome?: (q: { logGroups: string[]; queryString: string }) => 'Complete' | 'Failed' | 'Timeout';
}

export const INSIGHTS_DEFAULTS = {
  queryDelayMs: 50,
  maxConcurrentQueries: 30,
  maxLogGroupsPerQuery: 50,
  maxQueryLimit: 10_000,
  maxResultsPerPage: 10_000,
  maxQueryChars: 10_000,
} as const;

type Status = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout';

export interface QueryRecord {
  queryId: string;
  queryString: string;
  logGroups: string[];
  startTime: number;
  endTime: number;
  createTime: number;
  startedAt: number;
  completeAt: number;
  cancelled: boolean;
  outcome: 'Complete' | 'Failed' | 'Timeout';
  rows: [string, string][][];
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number; logGroupsScanned: number };
}

export class InsightsState {
  readonly queries = new Map<string, QueryRecord>();
  /** Highest number of queries Scheduled or Running at once (checked at every StartQuery). */
  peakConcurrent = 0;
  readonly options: Required<Omit<InsightsOptions, 'maxFieldChars' | 'outcome' | 'queryDelayMs'>> & InsightsOptions;

  constructor(options: InsightsOptions = {}) {
    this.options = {
      maxConcurrentQueries: INSIGHTS_DEFAULTS.maxConcurrentQueries,
      maxLogGroupsPerQuery: INSIGHTS_DEFAULTS.maxLogGroupsPerQuery,
      maxQueryLimit: INSIGHTS_DEFAULTS.maxQueryLimit,
      ...options,
    };
  }

  status(q: QueryRecord, now = performance.now()): Status {
    if (q.cancelled) return 'Cancelled';
    if (now < q.startedAt + (q.completeAt - q.startedAt) / 4) return 'Scheduled';
    if (now < q.completeAt) return 'Running';
    return q.outcome;
  }

  active(now = performance.now()): number {
    let n = 0;
    for (const q of this.queries.values()) {
      const s = this.status(q, now);
      if (s === 'Scheduled' || s === 'Running') n++;
    }
    return n;
  }

  clear(): void {
    this.queries.clear();
    this.peakConcurrent = 0;
  }
}

// ---------------------------------------------------------------------------------------------------
// Query language subset
// ---------------------------------------------------------------------------------------------------

type Token = { t: 'word' | 'num' | 'str' | 'regex' | 'punct'; v: string; at: number };

const malformed = (message: string, at = 0) => new AwsError('MalformedQueryException', `${message} (at character ${at})`);

function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const prevWord = () => out[out.length - 1];
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < q.length && q[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '/' && (prevWord()?.v === 'like' || prevWord()?.v === '=~')) {
      i++;
      let body = '';
      while (i < q.length && q[i] !== '/') {
        if (q[i] === '\\' && i + 1 < q.length) {
          body += q[i]! + q[i + 1]!;
          i += 2;
        } else body += q[i++]!;
      }
      if (q[i] !== '/') throw malformed('unterminated regular expression', start);
      i++;
      out.push({ t: 'regex', v: body, at: start });
    } else if (c === '"' || c === "'") {
      i++;
      let s = '';
      while (i < q.length && q[i] !== c) {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        s += q[i++]!;
      }
      if (q[i] !== c) throw malformed('unterminated string', start);
      i++;
      out.push({ t: 'str', v: s, at: start });
    } else if (/[@A-Za-z_]/.test(c)) {
      while (i < q.length && /[@\w.]/.test(q[i]!)) i++;
      out.push({ t: 'word', v: q.slice(start, i), at: start });
    } else if (/\d/.test(c)) {
      while (i < q.length && /\d/.test(q[i]!)) i++;
      out.push({ t: 'num', v: q.slice(start, i), at: start });
    } else if (q.startsWith('=~', i) || q.startsWith('!=', i)) {
      i += 2;
      out.push({ t: 'punct', v: q.slice(start, i), at: start });
    } else if ('|,()='.includes(c)) {
      i++;
      out.push({ t: 'punct', v: c, at: start });
    } else throw malformed(`unexpected character '${c}'`, start);
  }
  return out;
}

type Row = { event: StoredEvent; group: LogGroup };
type Pred = (r: Row) => boolean;

export interface CompiledQuery {
  fields?: string[];
  filters: Pred[];
  sort?: { field: string; desc: boolean };
  limit?: number;
}

/** `\x{H…}` (Java/RE2) → JS, and the constructs we treat as non-portable → MalformedQueryException. */
export function compileInsightsRegex(body: string, at = 0): RegExp {
  let flags = '';
  let rest = body;
  const inline = /^\(\?([ims]+)\)/.exec(rest);
  if (inline) {
    flags = [...new Set(inline[1]!)].join('');
    rest = rest.slice(inline[0].length);
  }
  if (/\(\?<[=!]/.test(rest)) throw malformed('lookbehind is not supported', at);
  if (/\(\?<[A-Za-z]|\(\?P</.test(rest)) throw malformed('named groups are not supported', at);
  let js = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c !== '\\') {
      js += c;
      continue;
    }
    const n = rest[i + 1];
    if (n === undefined) throw malformed('trailing backslash', at);
    if (/[1-9]/.test(n)) throw malformed('backreferences are not supported', at);
    if (n === 'u') throw malformed('\\u escapes are not supported', at);
    if (n === 'x' && rest[i + 2] === '{') {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest.slice(i + 2));
      if (!m) throw malformed('bad \\x{} escape', at);
      // JS regexes without the u flag see UTF-16 units: U+FFFF as a range end covers astral characters too.
      const cp = Math.min(parseInt(m[1]!, 16), 0xffff);
      js += `\\u${cp.toString(16).padStart(4, '0')}`;
      i += 1 + m[0].length;
      continue;
    }
    js += c + n;
    i++;
  }
  try {
    return new RegExp(js, flags);
  } catch (err) {
    throw malformed(`invalid regular expression: ${(err as Error).message}`, at);
  }
}

const fieldValue = (r: Row, field: string, accountId: string): string | undefined => {
  switch (field) {
    case '@message':
      return r.event.message;
    case '@logStream':
      return r.event.logStreamName;
    case '@log':
      return `${accountId}:${r.group.name}`;
    case '@timestamp':
      return String(r.event.timestamp);
    default:
      return undefined;
  }
};

export function compileQuery(query: string, accountId: string, maxLimit: number): CompiledQuery {
  const tokens = lex(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw malformed('unexpected end of query', query.length);
    return t;
  };
  const expectWord = () => {
    const t = next();
    if (t.t !== 'word') throw malformed(`expected a field, got '${t.v}'`, t.at);
    return t.v;
  };
  const out: CompiledQuery = { filters: [] };

  const condition = (): Pred => {
    const t = peek();
    if (t?.t === 'word' && t.v === 'not') {
      pos++;
      const inner = condition();
      return (r) => !inner(r);
    }
    if (t?.t === 'punct' && t.v === '(') {
      pos++;
      const inner = orExpr();
      const close = next();
      if (close.v !== ')') throw malformed("expected ')'", close.at);
      return inner;
    }
    const field = expectWord();
    let op = next();
    let negate = false;
    if (op.t === 'word' && op.v === 'not') {
      negate = true;
      op = next();
    }
    const value = next();
    let test: (v: string) => boolean;
    if ((op.t === 'word' && op.v === 'like') || op.v === '=~') {
      if (value.t === 'regex') {
        const re = compileInsightsRegex(value.v, value.at);
        test = (v) => re.test(v);
      } else if (value.t === 'str' && op.v === 'like') test = (v) => v.includes(value.v);
      else throw malformed(`expected a pattern after ${op.v}`, value.at);
    } else if (op.v === '=' || op.v === '!=') {
      if (value.t !== 'str' && value.t !== 'num') throw malformed('expected a value', value.at);
      test = op.v === '=' ? (v) => v === value.v : (v) => v !== value.v;
    } else throw malformed(`unsupported operator '${op.v}'`, op.at);
    return (r) => {
      const v = fieldValue(r, field, accountId);
      const result = v !== undefined && test(v);
      return negate ? !result : result;
    };
  };
  const andExpr = (): Pred => {
    const parts = [condition()];
    while (peek()?.t === 'word' && peek()!.v === 'and') {
      pos++;
      parts.push(condition());
    }
    return parts.length === 1 ? parts[0]! : (r) => parts.every((p) => p(r));
  };
  const orExpr = (): Pred => {
    const parts = [andExpr()];
    while (peek()?.t === 'word' && peek()!.v === 'or') {
      pos++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : (r) => parts.some((p) => p(r));
  };

  while (pos < tokens.length) {
    const cmd = next();
    if (cmd.t !== 'word') throw malformed(`expected a command, got '${cmd.v}'`, cmd.at);
    switch (cmd.v) {
      case 'fields':
      case 'display': {
        const fields = [expectWord()];
        while (peek()?.v === ',') {
          pos++;
          fields.push(expectWord());
        }
        out.fields = [...(out.fields ?? []), ...fields];
        break;
      }
      case 'filter':
        out.filters.push(orExpr());
        break;
      case 'sort': {
        const field = expectWord();
        let desc = true;
        if (peek()?.t === 'word' && (peek()!.v === 'asc' || peek()!.v === 'desc')) desc = next().v === 'desc';
        out.sort = { field, desc };
        break;
      }
      case 'limit': {
        const n = next();
        if (n.t !== 'num') throw malformed('limit takes a number', n.at);
        const limit = Number(n.v);
        if (limit < 1 || limit > maxLimit) throw malformed(`limit must be between 1 and ${maxLimit}`, n.at);
        out.limit = limit;
        break;
      }
      default:
        throw malformed(`unsupported command '${cmd.v}' (the emulator knows fields, display, filter, sort, limit)`, cmd.at);
    }
    if (pos < tokens.length) {
      const bar = next();
      if (bar.v !== '|') throw malformed(`expected '|', got '${bar.v}'`, bar.at);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------------

/** An opaque pointer that GetLogRecord can resolve; stable for an event across queries. */
export function pointerFor(groupName: string, event: StoredEvent): string {
  return Buffer.from(JSON.stringify([groupName, event.logStreamName, event.seq])).toString('base64url');
}

function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function stateOf(ctx: HandlerContext): InsightsState {
  if (!ctx.insights) throw new AwsError('UnknownOperationException', 'Insights is not enabled in this emulator');
  return ctx.insights;
}

function queryGroups(body: Body, store: LogStore, max: number): LogGroup[] {
  const given = ['logGroupName', 'logGroupNames', 'logGroupIdentifiers'].filter((k) => body[k] !== undefined && body[k] !== null);
  if (given.length !== 1) {
    throw invalidParameter('A StartQuery operation must include exactly one of logGroupName, logGroupNames or logGroupIdentifiers.');
  }
  const key = given[0]!;
  let names: string[];
  if (key === 'logGroupName') names = [reqString(body, 'logGroupName', { max: 512 })];
  else {
    const list = body[key];
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string')) throw invalidParameter(`Invalid type for ${key}`);
    if (list.length < 1) throw constraintViolation(key, '[]', 'Member must have length greater than or equal to 1');
    if (list.length > max) {
      throw constraintViolation(key, `[${list.join(', ')}]`, `Member must have length less than or equal to ${max}`);
    }
    names = list as string[];
  }
  return names.map((n) => {
    const group = key === 'logGroupIdentifiers' ? tryGroup(() => store.groupByIdentifier(n)) : store.groups.get(n);
    if (!group) throw new AwsError('ResourceNotFoundException', `Log group '${n}' does not exist for account ID '${store.accountId}'`);
    return group;
  });
}

function tryGroup(get: () => LogGroup): LogGroup | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

export const insightsHandlers: Record<string, Handler> = {
  StartQuery(body, ctx) {
    const insights = stateOf(ctx);
    const { store } = ctx;
    const language = optString(body, 'queryLanguage');
    if (language !== undefined && language !== 'CWLI') throw invalidParameter(`queryLanguage ${language} is not emulated`);
    const queryString = reqString(body, 'queryString', { min: 0, max: INSIGHTS_DEFAULTS.maxQueryChars });
    const groups = queryGroups(body, store, insights.options.maxLogGroupsPerQuery);
    const startTime = optInt(body, 'startTime', { min: 0 });
    const endTime = optInt(body, 'endTime', { min: 0 });
    if (startTime === undefined) throw constraintViolation('startTime', 'null', 'Member must not be null');
    if (endTime === undefined) throw constraintViolation('endTime', 'null', 'Member must not be null');
    if (startTime > endTime) throw invalidParameter('endTime must be greater than or equal to startTime');
    const limitParam = optInt(body, 'limit', { min: 1, max: insights.options.maxQueryLimit });
    const compiled = compileQuery(queryString, store.accountId, insights.options.maxQueryLimit);

    const now = performance.now();
    const active = insights.active(now);
    if (active >= insights.options.maxConcurrentQueries) {
      throw new AwsError('LimitExceededException', `Account maximum query concurrency limit of [${insights.options.maxConcurrentQueries}] reached.`);
    }

    // Both ends inclusive, in seconds: every event stamped inside the end second is in range.
    const fromMs = startTime * 1000;
    const toMs = endTime * 1000 + 999;
    const matched: Row[] = [];
    let recordsScanned = 0;
    let bytesScanned = 0;
    for (const group of groups) {
      for (const event of store.merged(group)) {
        if (event.timestamp < fromMs || event.timestamp > toMs || !store.isVisible(event)) continue;
        recordsScanned++;
        bytesScanned += Buffer.byteLength(event.message, 'utf8');
        const row = { event, group };
        if (compiled.filters.every((f) => f(row))) matched.push(row);
      }
    }
    const sortField = compiled.sort?.field ?? '@timestamp';
    const desc = compiled.sort?.desc ?? true;
    const key = (r: Row) => (sortField === '@timestamp' ? r.event.timestamp : fieldValue(r, sortField, store.accountId) ?? '');
    matched.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const order = ka < kb ? -1 : ka > kb ? 1 : a.event.seq - b.event.seq;
      return desc ? -order : order;
    });
    const limit = Math.min(compiled.limit ?? insights.options.maxQueryLimit, limitParam ?? insights.options.maxQueryLimit);
    const fields = compiled.fields ?? ['@timestamp', '@message', '@logStream', '@log'];
    const cut = insights.options.maxFieldChars;
    const rows = matched.slice(0, limit).map((r) => {
      const row: [string, string][] = [];
      for (const f of fields) {
        const v = f === '@timestamp' ? insightsTime(r.event.timestamp) : fieldValue(r, f, store.accountId);
        if (v !== undefined) row.push([f, cut !== undefined && v.length > cut ? v.slice(0, cut) : v]);
      }
      row.push(['@ptr', pointerFor(r.group.name, r.event)]);
      return row;
    });
    const q = { logGroups: groups.map((g) => g.name), queryString };
    const delayOpt = insights.options.queryDelayMs ?? INSIGHTS_DEFAULTS.queryDelayMs;
    const delay = typeof delayOpt === 'function' ? delayOpt(q) : delayOpt;
    const record: QueryRecord = {
      queryId: randomUUID(),
      ...q,
      startTime,
      endTime,
      createTime: Date.now(),
      startedAt: now,
      completeAt: now + delay,
      cancelled: false,
      outcome: insights.options.outcome?.(q) ?? 'Complete',
      rows,
      statistics: { recordsMatched: matched.length, recordsScanned, bytesScanned, logGroupsScanned: groups.length },
    };
    insights.queries.set(record.queryId, record);
    insights.peakConcurrent = Math.max(insights.peakConcurrent, active + 1);
    return { queryId: record.queryId };
  },

  GetQueryResults(body, ctx) {
    const insights = stateOf(ctx);
    const queryId = reqString(body, 'queryId', { max: 256 });
    const q = insights.queries.get(queryId);
    if (!q) throw new AwsError('ResourceNotFoundException', 'The specified query could not be found.');
    const maxItems = optInt(body, 'maxItems', { min: 1, max: INSIGHTS_DEFAULTS.maxResultsPerPage }) ?? INSIGHTS_DEFAULTS.maxResultsPerPage;
    const token = optString(body, 'nextToken', { min: 1 });
    const offset = token === undefined ? 0 : ctx.tokens.decode<number>(`GetQueryResults:${queryId}`, token);
    const status = insights.status(q);
    const done = status === 'Complete';
    const rows = done ? q.rows.slice(offset, offset + maxItems) : [];
    const more = done && offset + maxItems < q.rows.length;
    const stats = done ? q.statistics : { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0, logGroupsScanned: 0 };
    return {
      queryLanguage: 'CWLI',
      results: rows.map((r) => r.map(([field, value]) => ({ field, value }))),
      statistics: { ...stats, resultCount: q.rows.length },
      status,
      ...(more ? { nextToken: ctx.tokens.encode(`GetQueryResults:${queryId}`, offset + maxItems) } : {}),
    };
  },

  StopQuery(body, ctx) {
    const insights = stateOf(ctx);
    const q = insights.queries.get(reqString(body, 'queryId', { max: 256 }));
    if (!q) throw new AwsError('ResourceNotFoundException', 'The specified query could not be found.');
    const status = insights.status(q);
    if (status !== 'Scheduled' && status !== 'Running') throw invalidParameter(`Query is not running (status ${status}).`);
    q.cancelled = true;
    return { success: true };
  },

  DescribeQueries(body, ctx) {
    const insights = stateOf(ctx);
    const group = optString(body, 'logGroupName', { max: 512 });
    const status = optString(body, 'status');
    const maxResults = optInt(body, 'maxResults', { min: 1, max: 1000 }) ?? 1000;
    const token = optString(body, 'nextToken', { min: 1 });
    const offset = token === undefined ? 0 : ctx.tokens.decode<number>('DescribeQueries', token);
    const now = performance.now();
    const all = [...insights.queries.values()]
      .filter((q) => (group === undefined || q.logGroups.includes(group)) && (status === undefined || insights.status(q, now) === status))
      .sort((a, b) => b.createTime - a.createTime || (a.queryId < b.queryId ? -1 : 1));
    const page = all.slice(offset, offset + maxResults);
    return {
      queries: page.map((q) => ({
        queryLanguage: 'CWLI',
        queryId: q.queryId,
        queryString: q.queryString,
        status: insights.status(q, now),
        createTime: q.createTime,
        logGroupName: q.logGroups[0],
        bytesScanned: insights.status(q, now) === 'Complete' ? q.statistics.bytesScanned : 0,
      })),
      ...(offset + maxResults < all.length ? { nextToken: ctx.tokens.encode('DescribeQueries', offset + maxResults) } : {}),
    };
  },

  GetLogRecord(body, ctx) {
    const pointer = reqString(body, 'logRecordPointer');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(pointer, 'base64url').toString('utf8'));
    } catch {
      throw invalidParameter('The specified logRecordPointer is invalid.');
    }
    if (!Array.isArray(decoded) || decoded.length !== 3) throw invalidParameter('The specified logRecordPointer is invalid.');
    const [groupName, streamName, seq] = decoded as [string, string, number];
    const event = ctx.store.groups.get(groupName)?.streams.get(streamName)?.events.find((e) => e.seq === seq);
    if (!event) throw new AwsError('ResourceNotFoundException', 'The specified log record does not exist.');
    return {
      logRecord: {
        '@timestamp': String(event.timestamp),
        '@ingestionTime': String(event.ingestionTime),
        '@logStream': event.logStreamName,
        '@log': `${ctx.store.accountId}:${groupName}`,
        '@message': event.message,
      },
    };
  },
};
