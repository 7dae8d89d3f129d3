import {
  CloudWatchLogsClient,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { literalPrefix, logGroupMatcher } from '../config';
import { instrumentClient, type ApiCallCounter, type RateLimiter } from './rate-limit';
import type { LogEvent, LogSource } from './types';

/** Reads CloudWatch Logs through the two read APIs the scan needs, page by page. */
export class CloudWatchSource implements LogSource {
  private readonly counter?: ApiCallCounter;

  /**
   * With a limiter, every request (retries included) waits for its API's token; with a counter, every
   * request is counted by API. Both are installed on the client, so share one client per run.
   */
  constructor(
    private readonly client: CloudWatchLogsClient,
    opts: { limiter?: RateLimiter; counter?: ApiCallCounter } = {},
  ) {
    if (opts.limiter || opts.counter) instrumentClient(client, opts);
    this.counter = opts.counter;
  }

  async resolveLogGroups(patterns: string[]): Promise<string[]> {
    const matchers = patterns.map(logGroupMatcher);
    const found = new Set<string>();
    // One listing per distinct prefix: a rule set full of `/aws/lambda/*` variants costs one paginated walk.
    for (const prefix of coveringPrefixes(patterns.map(literalPrefix))) {
      const pages = paginateDescribeLogGroups(
        { client: this.client, pageSize: 50 },
        prefix ? { logGroupNamePrefix: prefix } : {},
      );
      for await (const page of pages) {
        for (const group of page.logGroups ?? []) {
          const name = group.logGroupName;
          if (name && matchers.some((m) => m(name))) found.add(name);
        }
      }
    }
    return [...found].sort();
  }

  async *readEvents(logGroup: string, startMs: number, endMs: number): AsyncIterable<LogEvent[]> {
    // The scan's windows are half-open so consecutive runs never both see an event. The API reference calls
    // endTime inclusive but users have seen it exclusive (aws/aws-cli#4262): ask up to endMs, drop `>= endMs` here.
    const pages = paginateFilterLogEvents(
      { client: this.client },
      { logGroupName: logGroup, startTime: startMs, endTime: endMs },
    );
    for await (const page of pages) {
      const events: LogEvent[] = [];
      let bytes = 0;
      for (const e of page.events ?? []) {
        if (e.timestamp === undefined || e.message === undefined || e.timestamp >= endMs) continue;
        bytes += Buffer.byteLength(e.message);
        events.push({
          logGroup,
          logStream: e.logStreamName ?? '',
          timestamp: e.timestamp,
          message: e.message,
          eventId: e.eventId ?? `${e.logStreamName}/${e.timestamp}`,
        });
      }
      // The volume actually read: the next run's engine plan starts from it (see src/job/volume.ts).
      this.counter?.add('filterBytesRead', bytes);
      // Empty pages with a nextToken are normal for sparse groups; keep walking without yielding noise.
      if (events.length > 0) yield events;
    }
  }
}

/** Drops prefixes already covered by a shorter one, so no group is listed twice. */
export function coveringPrefixes(prefixes: string[]): string[] {
  const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  return kept;
}
