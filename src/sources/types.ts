/** A log event as the pipeline sees it, whatever source it came from. */
export interface LogEvent {
  logGroup: string;
  logStream: string;
  /** Milliseconds since the epoch, as CloudWatch reports it. */
  timestamp: number;
  message: string;
  /** Unique per event in CloudWatch; lets overlapping windows be de-duplicated. */
  eventId: string;
}

/** The only I/O the scan needs from a log store; CloudWatch and local files both implement it. */
export interface LogSource {
  /** Resolves exact names, prefixes (`/aws/lambda/*`) and globs into existing log group names. */
  resolveLogGroups(patterns: string[]): Promise<string[]>;
  /** Yields every event of the group in `[startMs, endMs)` page by page, so a window is never held whole. */
  readEvents(logGroup: string, startMs: number, endMs: number): AsyncIterable<LogEvent[]>;
}
