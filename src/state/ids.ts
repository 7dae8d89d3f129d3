import { createHash, randomUUID } from 'node:crypto';

/** Fixed-length key for a fingerprint's text: fingerprints can be long, DynamoDB sort keys cannot. */
export function fingerprintKey(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('base64url').slice(0, 22);
}

/**
 * A seen hit as stored on a cursor: `<timestamp base36>.<12 chars of the hash of its identity>`. 72 bits of
 * hash make a false "already seen" between two distinct events of one group's overlap practically impossible,
 * and keep a 10 000-entry list near 200 KB.
 */
export function seenEntry(timestamp: number, identity: string): string {
  return `${timestamp.toString(36)}.${createHash('sha1').update(identity).digest('base64url').slice(0, 12)}`;
}

/**
 * What names an event across reads: its stream and text (with the timestamp in the entry), not its eventId.
 * The two engines name one event differently (FilterLogEvents' eventId, Insights' @ptr), so a run that
 * switched engine would otherwise count the cursor overlap's hits again. The cost: identical lines in one
 * stream in the same millisecond are one event across runs (within a read, each still counts).
 */
export function eventIdentity(event: { logStream: string; message: string }): string {
  return `${event.logStream}\u0000${event.message}`;
}

export function seenEntryTime(entry: string): number {
  return parseInt(entry.slice(0, entry.indexOf('.')), 36);
}

/** Pending ids sort by creation time, so a query returns the oldest first. */
export function pendingId(createdAt: number): string {
  return `${String(Math.max(0, Math.floor(createdAt))).padStart(15, '0')}-${randomUUID().slice(0, 8)}`;
}
