import { createHash, randomUUID } from 'node:crypto';

/** Fixed-length key for a fingerprint's text: fingerprints can be long, DynamoDB sort keys cannot. */
export function fingerprintKey(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('base64url').slice(0, 22);
}

/**
 * A seen hit as stored on a cursor: `<timestamp base36>.<12 chars of the event id's hash>`. 72 bits of
 * hash make a false "already seen" between two distinct events of one group's overlap practically impossible,
 * and keep a 10 000-entry list near 200 KB.
 */
export function seenEntry(timestamp: number, eventId: string): string {
  return `${timestamp.toString(36)}.${createHash('sha1').update(eventId).digest('base64url').slice(0, 12)}`;
}

export function seenEntryTime(entry: string): number {
  return parseInt(entry.slice(0, entry.indexOf('.')), 36);
}

/** Pending ids sort by creation time, so a query returns the oldest first. */
export function pendingId(createdAt: number): string {
  return `${String(Math.max(0, Math.floor(createdAt))).padStart(15, '0')}-${randomUUID().slice(0, 8)}`;
}
