/**
 * Ids that tie log lines of one request together across services: X-Ray trace ids, and request ids in the
 * places AWS runtimes put them. Only positional request ids are taken, not every UUID on the line, so an
 * order or tenant id that appears in many unrelated errors does not glue them into one incident.
 */
const TRACE_ID = /\b1-[0-9a-f]{8}-[0-9a-f]{24}\b/g;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REQUEST_ID_PLACES = [
  // Lambda Node/Python runtime prefix: `<time>\t<request-id>\t<LEVEL>\t`
  new RegExp(`^(?:\\[[A-Z]+\\]\\t)?\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t(${UUID})\\t`, 'i'),
  // Lambda platform lines and timeouts: `RequestId: <id>`, `<time> <id> Task timed out`
  new RegExp(`RequestId: (${UUID})`, 'i'),
  new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z (${UUID}) `, 'i'),
  // API Gateway execution logs: `(<request-id>) ...`
  new RegExp(`^\\((${UUID})\\) `, 'i'),
  // JSON access logs and structured logs
  new RegExp(`"(?:requestId|request_id|function_request_id|awsRequestId)"\\s*:\\s*"(${UUID})"`, 'i'),
];

export type CorrelationKind = 'trace' | 'request';

/** `trace:<id>` / `request:<id>` keys, lower-cased, trace ids first. */
export function correlationIds(message: string): string[] {
  // Ids sit near the start of a line or in a short JSON object; no need to scan a 256 KB payload.
  const head = message.length > 4096 ? message.slice(0, 4096) : message;
  const ids = new Set<string>();
  for (const m of head.matchAll(TRACE_ID)) ids.add(`trace:${m[0].toLowerCase()}`);
  for (const re of REQUEST_ID_PLACES) {
    const id = re.exec(head)?.[1];
    if (id) ids.add(`request:${id.toLowerCase()}`);
  }
  return [...ids];
}
