/**
 * Coverage without gaps: where each log group's next read starts and ends, and how its cursor moves
 * afterwards. Pure functions; the scan and the store do the I/O.
 */
import { seenEntryTime } from './ids';
import type { Cursor } from './types';

/** Past this many seen hits in a group's overlap, the oldest are dropped and the overlap shrinks (reported). */
export const MAX_SEEN_ENTRIES = 10_000;

export interface CoverageSettings {
  /** Widest span one run reads for a group; older unread spans are skipped and reported. */
  lookbackMs: number;
  /** How far before its cursor a group is re-read, for events CloudWatch ingested late. */
  overlapMs: number;
}

export interface ReadPlan {
  logGroup: string;
  cursor?: Cursor;
  /** Coverage resumes here: every event before it was read (or skipped and reported). */
  from: number;
  /** The read starts here: `from` less the overlap, never before the cursor's `seenFrom`. */
  readFrom: number;
  /** Exclusive. */
  end: number;
  /** Nothing new to read: the cursor is already at (or past) `end`. */
  idle: boolean;
  /** The span older than the lookback that this read jumps over; only applied if the read makes progress. */
  skipped?: { from: number; to: number };
  seen: ReadonlySet<string>;
}

export function planRead(logGroup: string, cursor: Cursor | undefined, end: number, s: CoverageSettings): ReadPlan {
  const floor = end - s.lookbackMs;
  if (!cursor) {
    // First sight of the group: read the lookback.
    return { logGroup, from: floor, readFrom: floor, end, idle: false, seen: new Set() };
  }
  const seen = new Set(cursor.seen);
  if (cursor.scannedUntil < floor) {
    return {
      logGroup,
      cursor,
      from: floor,
      readFrom: floor,
      end,
      idle: false,
      skipped: { from: cursor.scannedUntil, to: floor },
      seen,
    };
  }
  const from = cursor.scannedUntil;
  const readFrom = Math.max(from - s.overlapMs, cursor.seenFrom);
  return { logGroup, cursor, from, readFrom, end, idle: from >= end, seen };
}

/** What one read of a group achieved. */
export interface ReadOutcome {
  /**
   * Every event before this was read and matched; undefined when the read made no progress at all
   * (failed or cut before its first page). `end` when the read completed.
   */
  readUntil?: number;
  /** Hits counted by this read, as seen entries. */
  newSeen: string[];
  error?: string;
}

export interface CursorAdvance {
  cursor: Cursor;
  /** The cursor moved forward. */
  advanced: boolean;
  /** The skip in the plan was applied (the span is now behind the cursor unread). */
  skipped?: { from: number; to: number };
  /** Seen entries dropped for the cap; the overlap for late events is shorter by that much. */
  truncated: number;
}

/** The cursor after a read: never backwards, never past what was read, seen hits kept for the next overlap. */
export function advanceCursor(plan: ReadPlan, outcome: ReadOutcome, runTime: number, s: CoverageSettings): CursorAdvance {
  const before = plan.cursor;
  const progressed = outcome.readUntil !== undefined;
  let scannedUntil: number;
  if (progressed) scannedUntil = Math.max(plan.from, Math.min(outcome.readUntil!, plan.end));
  else scannedUntil = before?.scannedUntil ?? plan.from; // a new group is anchored where its lookback started
  if (before) scannedUntil = Math.max(scannedUntil, before.scannedUntil);

  // The read re-covered [readFrom, ...): old entries from there on are still valid, new ones are added.
  const keepFrom = scannedUntil - s.overlapMs;
  // Every hit counted at or after readFrom is in the old list (readFrom >= its seenFrom) or in newSeen.
  let seenFrom = Math.max(progressed || !before ? plan.readFrom : Math.min(plan.readFrom, before.seenFrom), keepFrom);
  const merged = new Set<string>();
  for (const e of before?.seen ?? []) if (seenEntryTime(e) >= seenFrom) merged.add(e);
  for (const e of outcome.newSeen) if (seenEntryTime(e) >= seenFrom) merged.add(e);
  let seen = [...merged].sort((a, b) => seenEntryTime(a) - seenEntryTime(b) || (a < b ? -1 : 1));
  let truncated = 0;
  if (seen.length > MAX_SEEN_ENTRIES) {
    truncated = seen.length - MAX_SEEN_ENTRIES;
    seen = seen.slice(truncated);
    // Hits at the oldest kept timestamp may have been cut: start the next read just after it.
    seenFrom = seenEntryTime(seen[0]!) + 1;
    seen = seen.filter((e) => seenEntryTime(e) >= seenFrom);
  }

  const cursor: Cursor = {
    logGroup: plan.logGroup,
    scannedUntil,
    seenFrom,
    seen,
    updatedAt: runTime,
    version: before?.version ?? 0,
  };
  if (outcome.error) {
    cursor.lastError = outcome.error;
    cursor.failingSince = before?.failingSince ?? runTime;
  } else if (!progressed && before?.failingSince !== undefined) {
    cursor.failingSince = before.failingSince;
    if (before.lastError !== undefined) cursor.lastError = before.lastError;
  }
  return {
    cursor,
    advanced: scannedUntil > (before?.scannedUntil ?? Number.NEGATIVE_INFINITY),
    ...(progressed && plan.skipped ? { skipped: plan.skipped } : {}),
    truncated,
  };
}
