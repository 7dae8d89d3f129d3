import { constraintViolation, invalidParameter } from './errors';
import {
  Handler,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  nextTokenOf,
  targetGroup,
  wireBytes,
} from './context';
import { insightsHandlers } from './insights';
import { filterLogEvents, getLogEvents } from './read-events';
import { Body, LOG_GROUP_NAME, LOG_GROUP_NAME_PATTERN, LOG_STREAM_NAME, optBool, optInt, optString, reqString } from './validate';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const cloudWatchLogsHandlers: Record<string, Handler> = {
  CreateLogGroup(body, { store }) {
    store.createGroup(reqString(body, 'logGroupName', { max: 512, pattern: LOG_GROUP_NAME }));
    return {};
  },

  DeleteLogGroup(body, { store }) {
    store.deleteGroup(reqString(body, 'logGroupName', { max: 512, pattern: LOG_GROUP_NAME }));
    return {};
  },

  CreateLogStream(body, { store }) {
    const group = store.group(reqString(body, 'logGroupName', { max: 512, pattern: LOG_GROUP_NAME }));
    store.createStream(group, reqString(body, 'logStreamName', { max: 512, pattern: LOG_STREAM_NAME }));
    return {};
  },

  PutLogEvents(body, ctx) {
    const { store } = ctx;
    const group = store.group(reqString(body, 'logGroupName', { max: 512, pattern: LOG_GROUP_NAME }));
    const stream = store.stream(group, reqString(body, 'logStreamName', { max: 512, pattern: LOG_STREAM_NAME }));
    const events = body.logEvents;
    if (!Array.isArray(events) || events.length < 1) {
      throw constraintViolation('logEvents', '[]', 'Member must have length greater than or equal to 1');
    }
    if (events.length > MAX_BATCH_EVENTS) {
      throw constraintViolation('logEvents', `[${events.length} items]`, `Member must have length less than or equal to ${MAX_BATCH_EVENTS}`);
    }
    const batch = events.map((e: unknown) => {
      const { timestamp, message } = (e ?? {}) as Body;
      if (typeof timestamp !== 'number' || typeof message !== 'string' || message.length < 1) {
        throw invalidParameter('Each log event needs a numeric timestamp and a non-empty message.');
      }
      return { timestamp, message };
    });
    let total = 0;
    for (const e of batch) {
      const size = wireBytes(e.message);
      if (size > ctx.maxEventBytes) {
        throw invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${ctx.maxEventBytes}`);
      }
      total += size;
    }
    if (total > MAX_BATCH_BYTES) {
      throw invalidParameter(`Upload too large: ${total} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
    }
    if (batch.some((e, i) => i > 0 && e.timestamp < batch[i - 1]!.timestamp)) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    // Out-of-window events are dropped and reported by index while the rest are accepted (current AWS behaviour).
    const now = store.now();
    const tooOld = batch.filter((e) => e.timestamp < now - 14 * DAY).length;
    const firstTooNew = batch.findIndex((e) => e.timestamp > now + 2 * HOUR);
    const accepted = batch.slice(tooOld, firstTooNew < 0 ? undefined : firstTooNew);
    const first = accepted[0];
    const last = accepted[accepted.length - 1];
    if (first && last && last.timestamp - first.timestamp > DAY) {
      throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
    }
    store.append(group, stream, accepted);
    const rejected: Record<string, number> = {};
    if (tooOld > 0) rejected.tooOldLogEventEndIndex = tooOld - 1;
    if (firstTooNew >= 0) rejected.tooNewLogEventStartIndex = firstTooNew;
    return Object.keys(rejected).length ? { rejectedLogEventsInfo: rejected } : {};
  },

  DescribeLogGroups(body, { store, tokens }) {
    const prefix = optString(body, 'logGroupNamePrefix', { max: 512, pattern: LOG_GROUP_NAME });
    const pattern = optString(body, 'logGroupNamePattern', { min: 0, max: 512, pattern: LOG_GROUP_NAME_PATTERN });
    if (prefix !== undefined && pattern !== undefined) {
      throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    const limit = optInt(body, 'limit', { min: 1, max: 50 }) ?? 50;
    const token = nextTokenOf(body);
    const after = token === undefined ? undefined : tokens.decode<string>('DescribeLogGroups', token);
    // ASCII order, as documented; AWS matches logGroupNamePattern case-sensitively (API reference).
    const matching = [...store.groups.values()]
      .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (!pattern || g.name.includes(pattern)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .filter((g) => after === undefined || g.name > after);
    const page = matching.slice(0, limit);
    const lastOfPage = page[page.length - 1];
    return {
      logGroups: page.map((g) =>
        // With a pattern AWS returns only these three fields.
        pattern !== undefined
          ? { arn: `${store.groupArn(g.name)}:*`, creationTime: g.creationTime, logGroupName: g.name }
          : {
              logGroupName: g.name,
              creationTime: g.creationTime,
              metricFilterCount: 0,
              arn: `${store.groupArn(g.name)}:*`,
              storedBytes: g.storedBytes,
              logGroupClass: 'STANDARD',
              logGroupArn: store.groupArn(g.name),
            },
      ),
      ...(matching.length > limit && lastOfPage ? { nextToken: tokens.encode('DescribeLogGroups', lastOfPage.name) } : {}),
    };
  },

  DescribeLogStreams(body, { store, tokens }) {
    const group = targetGroup(body, store);
    const prefix = optString(body, 'logStreamNamePrefix', { max: 512, pattern: LOG_STREAM_NAME });
    const orderBy = optString(body, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
      throw constraintViolation('orderBy', orderBy, 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
    }
    if (orderBy === 'LastEventTime' && prefix !== undefined) {
      throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const descending = optBool(body, 'descending') ?? false;
    const limit = optInt(body, 'limit', { min: 1, max: 50 }) ?? 50;
    const token = nextTokenOf(body);
    const offset = token === undefined ? 0 : tokens.decode<number>(`DescribeLogStreams:${group.name}`, token);
    const rows = [...group.streams.values()]
      .filter((s) => prefix === undefined || s.name.startsWith(prefix))
      .map((s) => {
        const visible = s.events.filter((e) => store.isVisible(e));
        return {
          logStreamName: s.name,
          creationTime: s.creationTime,
          ...(visible.length
            ? {
                firstEventTimestamp: visible[0]!.timestamp,
                lastEventTimestamp: visible[visible.length - 1]!.timestamp,
                lastIngestionTime: Math.max(...visible.map((e) => e.ingestionTime)),
              }
            : {}),
          arn: `${store.groupArn(group.name)}:log-stream:${s.name}`,
          storedBytes: 0, // deprecated field; AWS always reports 0
        };
      })
      .sort((a, b) => {
        const byTime = orderBy === 'LastEventTime' ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) : 0;
        const order = byTime || (a.logStreamName < b.logStreamName ? -1 : a.logStreamName > b.logStreamName ? 1 : 0);
        return descending ? -order : order;
      });
    const page = rows.slice(offset, offset + limit);
    const more = offset + limit < rows.length;
    return {
      logStreams: page,
      ...(more ? { nextToken: tokens.encode(`DescribeLogStreams:${group.name}`, offset + limit) } : {}),
    };
  },

  FilterLogEvents: filterLogEvents,
  GetLogEvents: getLogEvents,
  ...insightsHandlers,
};
