import { constraintViolation, invalidParameter } from './errors';
import { compileFilterPattern } from './filter-pattern';
import { byFilterOrder, byTimestampThenSeq, StoredEvent } from './store';
import { HandlerContext, MAX_RESPONSE_BYTES, nextTokenOf, targetGroup, wireBytes } from './context';
import { Body, LOG_STREAM_NAME, optBool, optInt, optString, reqString } from './validate';

export function filterLogEvents(body: Body, ctx: HandlerContext): unknown {
  const { store, tokens } = ctx;
  const group = targetGroup(body, store);
  const names = body.logStreamNames;
  const prefix = optString(body, 'logStreamNamePrefix', { max: 512, pattern: LOG_STREAM_NAME });
  if (names !== undefined && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (names !== undefined && (!Array.isArray(names) || names.length < 1 || names.length > 100)) {
    throw constraintViolation('logStreamNames', String(names), 'Member must have length less than or equal to 100');
  }
  const streamSet = names === undefined ? undefined : new Set(names as string[]);
  const startTime = optInt(body, 'startTime', { min: 0 });
  const endTime = optInt(body, 'endTime', { min: 0 });
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw invalidParameter('startTime must be less than or equal to endTime.');
  }
  const limit = optInt(body, 'limit', { min: 1, max: 10_000 }) ?? 10_000;
  const matches = compileFilterPattern(optString(body, 'filterPattern', { min: 0, max: 1024 }));
  const token = nextTokenOf(body);
  const cursor = token === undefined ? undefined : tokens.decode<CursorKey>(`FilterLogEvents:${group.name}`, token);

  const all = store.merged(group);
  const eligible = (e: StoredEvent) =>
    store.isVisible(e) &&
    (streamSet === undefined || streamSet.has(e.logStreamName)) &&
    (prefix === undefined || e.logStreamName.startsWith(prefix)) &&
    (startTime === undefined || e.timestamp >= startTime) &&
    (endTime === undefined || (ctx.filterEndTimeInclusive ? e.timestamp <= endTime : e.timestamp < endTime)) &&
    matches(e.message);

  const page: StoredEvent[] = [];
  let bytes = 0;
  let exhausted = true;
  for (let i = cursor === undefined ? 0 : firstAfter(all, cursor); i < all.length; i++) {
    const e = all[i]!;
    if (!eligible(e)) continue;
    if (page.length >= limit || bytes + wireBytes(e.message) > MAX_RESPONSE_BYTES) {
      exhausted = false;
      break;
    }
    page.push(e);
    bytes += wireBytes(e.message);
  }
  // AWS documents short and even empty pages that still carry a token; make callers cope with them.
  let cut = false;
  if (ctx.partialPageProbability > 0 && ctx.random() < ctx.partialPageProbability) {
    page.length = Math.floor(ctx.random() * (page.length + 1));
    cut = true;
  }
  const lastOfPage = page[page.length - 1];
  const resumeAt: CursorKey | undefined = lastOfPage ? keyOf(lastOfPage) : cursor ?? [Number.MIN_SAFE_INTEGER, 0, 0];
  return {
    events: page.map((e) => ({
      logStreamName: e.logStreamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: e.eventId,
    })),
    ...(!exhausted || cut ? { nextToken: tokens.encode(`FilterLogEvents:${group.name}`, resumeAt) } : {}),
  };
}

export function getLogEvents(body: Body, { store, tokens }: HandlerContext): unknown {
  const group = targetGroup(body, store);
  const stream = store.stream(group, reqString(body, 'logStreamName', { max: 512, pattern: LOG_STREAM_NAME }));
  const startTime = optInt(body, 'startTime', { min: 0 });
  const endTime = optInt(body, 'endTime', { min: 0 });
  const limit = optInt(body, 'limit', { min: 1, max: 10_000 }) ?? 10_000;
  const startFromHead = optBool(body, 'startFromHead') ?? false;
  const token = nextTokenOf(body);
  const scope = `GetLogEvents:${group.name}:${stream.name}`;
  // Both bounds as documented for GetLogEvents: start inclusive, end exclusive.
  const events = stream.events.filter(
    (e) =>
      store.isVisible(e) &&
      (startTime === undefined || e.timestamp >= startTime) &&
      (endTime === undefined || e.timestamp < endTime),
  );
  let forward = startFromHead;
  // Sentinels must survive JSON, so no Infinity.
  let bound: StreamKey = startFromHead ? [Number.MIN_SAFE_INTEGER, 0] : [Number.MAX_SAFE_INTEGER, 0];
  if (token !== undefined) {
    const direction = token.slice(0, 2);
    if (direction !== 'f/' && direction !== 'b/') throw invalidParameter('The specified nextToken is invalid.');
    forward = direction === 'f/';
    bound = tokens.decode<StreamKey>(scope, token.slice(2));
  }
  const inside = forward
    ? events.filter((e) => compareStreamKey(streamKeyOf(e), bound) > 0)
    : events.filter((e) => compareStreamKey(streamKeyOf(e), bound) < 0);
  const window = forward ? takeHead(inside, limit) : takeTail(inside, limit);
  const first = window[0];
  const last = window[window.length - 1];
  const encode = (prefix: string, key: StreamKey) => prefix + tokens.encode(scope, key);
  // At the end of the stream AWS hands back the very token it was given.
  return {
    events: window.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: last ? encode('f/', streamKeyOf(last)) : token?.startsWith('f/') ? token : encode('f/', bound),
    nextBackwardToken: first ? encode('b/', streamKeyOf(first)) : token?.startsWith('b/') ? token : encode('b/', bound),
  };
}

/** (timestamp, ingestionTime, seq): the documented FilterLogEvents order. */
type CursorKey = [number, number, number];
const keyOf = (e: StoredEvent): CursorKey => [e.timestamp, e.ingestionTime, e.seq];

function firstAfter(all: StoredEvent[], key: CursorKey): number {
  const probe = { timestamp: key[0], ingestionTime: key[1], seq: key[2] } as StoredEvent;
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byFilterOrder(all[mid]!, probe) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type StreamKey = [number, number];
const streamKeyOf = (e: StoredEvent): StreamKey => [e.timestamp, e.seq];
const compareStreamKey = (a: StreamKey, b: StreamKey) =>
  byTimestampThenSeq({ timestamp: a[0], seq: a[1] } as StoredEvent, { timestamp: b[0], seq: b[1] } as StoredEvent);

function takeHead(events: StoredEvent[], limit: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    if (out.length >= limit || bytes + wireBytes(e.message) > MAX_RESPONSE_BYTES) break;
    out.push(e);
    bytes += wireBytes(e.message);
  }
  return out;
}

function takeTail(events: StoredEvent[], limit: number): StoredEvent[] {
  return takeHead([...events].reverse(), limit).reverse();
}
