import { cloudWatchConsoleHome } from './console-home';
import { encodeLogsV2Name, HASH_QUERY } from './console-encoding';

export interface LogStreamLinkInput {
  region: string;
  logGroup: string;
  logStream: string;
  startMs: number;
  endMs: number;
}

const MINUTE_MS = 60_000;

/** The console's log-events view of one stream, limited to an absolute time range. */
export function logStreamUrl({ region, logGroup, logStream, startMs, endMs }: LogStreamLinkInput): string {
  // A negative start means "relative to now" to the console, so an early range is clamped at the epoch.
  const start = Math.max(0, Math.floor(startMs));
  const end = Math.max(start, Math.ceil(endMs));
  const { start: q, equals: eq, and } = HASH_QUERY;
  return (
    `${cloudWatchConsoleHome(region)}#logsV2:log-groups/log-group/${encodeLogsV2Name(logGroup)}` +
    `/log-events/${encodeLogsV2Name(logStream)}${q}start${eq}${start}${and}end${eq}${end}`
  );
}

/** The stream of one event, opened `contextMinutes` before and after it. */
export function logStreamAtEventUrl(
  region: string,
  event: { logGroup: string; logStream: string; timestamp: number },
  contextMinutes: number,
): string {
  const margin = contextMinutes * MINUTE_MS;
  return logStreamUrl({
    region,
    logGroup: event.logGroup,
    logStream: event.logStream,
    startMs: event.timestamp - margin,
    endMs: event.timestamp + margin,
  });
}
