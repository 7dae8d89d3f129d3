import { cloudWatchConsoleHome } from './console-home';

// X-Ray ids are `1-<8 hex epoch seconds>-<24 hex>`. The guards stop a match inside a longer
// hex/word run, so a random hash in a log line is not mistaken for a trace.
const TRACE_ID_SOURCE = '1-[0-9a-f]{8}-[0-9a-f]{24}';
const TRACE_ID = new RegExp(`^${TRACE_ID_SOURCE}$`);
const ROOT_TRACE_ID = new RegExp(`Root=(${TRACE_ID_SOURCE})(?![0-9A-Za-z])`);
const BARE_TRACE_ID = new RegExp(`(?<![0-9A-Za-z])${TRACE_ID_SOURCE}(?![0-9A-Za-z])`);

export function isTraceId(value: string): boolean {
  return TRACE_ID.test(value);
}

/**
 * The X-Ray trace id a log line carries. A `Root=` trace header wins over other ids on the
 * line, because Parent/Self ids and upstream ids can share the line with the request's own trace.
 */
export function findTraceId(message: string): string | undefined {
  return ROOT_TRACE_ID.exec(message)?.[1] ?? BARE_TRACE_ID.exec(message)?.[0];
}

/** The trace in the CloudWatch console (X-Ray moved there: `#xray:traces/<id>`). */
export function xrayTraceUrl(region: string, traceId: string): string {
  if (!isTraceId(traceId)) throw new Error(`Not an X-Ray trace id: ${JSON.stringify(traceId)}`);
  return `${cloudWatchConsoleHome(region)}#xray:traces/${traceId}`;
}
