import { advanceCursor, MAX_SEEN_ENTRIES, planRead, seenEntry, seenEntryTime, type Cursor } from '../../../src/state';

const MIN = 60_000;
const S = { lookbackMs: 60 * MIN, overlapMs: 2 * MIN };
const END = 1_000 * MIN;

function cursor(over: Partial<Cursor> = {}): Cursor {
  return { logGroup: 'g', scannedUntil: END - 5 * MIN, seenFrom: END - 7 * MIN, seen: [], updatedAt: 0, version: 3, ...over };
}

describe('planRead', () => {
  it('reads the lookback on first sight of a group', () => {
    const plan = planRead('g', undefined, END, S);
    expect(plan).toMatchObject({ from: END - 60 * MIN, readFrom: END - 60 * MIN, end: END, idle: false });
    expect(plan.skipped).toBeUndefined();
  });

  it('resumes at the cursor, re-reading the overlap for late events', () => {
    const plan = planRead('g', cursor(), END, S);
    expect(plan).toMatchObject({ from: END - 5 * MIN, readFrom: END - 7 * MIN });
  });

  it('never re-reads before what the cursor has seen', () => {
    const plan = planRead('g', cursor({ seenFrom: END - 6 * MIN }), END, S);
    expect(plan.readFrom).toBe(END - 6 * MIN);
  });

  it('jumps a group more than the lookback behind to the lookback, and says which span it skips', () => {
    const plan = planRead('g', cursor({ scannedUntil: END - 200 * MIN, seenFrom: END - 202 * MIN }), END, S);
    expect(plan.from).toBe(END - 60 * MIN);
    expect(plan.skipped).toEqual({ from: END - 200 * MIN, to: END - 60 * MIN });
  });

  it('is idle when the cursor is already at the end (a retry of a finished tick)', () => {
    expect(planRead('g', cursor({ scannedUntil: END }), END, S).idle).toBe(true);
  });
});

describe('advanceCursor', () => {
  it('moves to the end after a complete read and keeps the hits of the new overlap', () => {
    const plan = planRead('g', cursor(), END, S);
    const old = seenEntry(END - 8 * MIN, 'old');
    const inOverlap = seenEntry(END - 1 * MIN, 'new');
    const beforeOverlap = seenEntry(END - 3 * MIN, 'mid');
    const adv = advanceCursor({ ...plan, cursor: { ...plan.cursor!, seen: [old] } }, { readUntil: END, newSeen: [inOverlap, beforeOverlap] }, 5, S);
    expect(adv.advanced).toBe(true);
    expect(adv.cursor.scannedUntil).toBe(END);
    expect(adv.cursor.seenFrom).toBe(END - 2 * MIN);
    expect(adv.cursor.seen).toEqual([inOverlap]);
    expect(adv.cursor.version).toBe(3);
  });

  it('moves only as far as a partial read got, and never backwards', () => {
    const plan = planRead('g', cursor(), END, S);
    expect(advanceCursor(plan, { readUntil: END - 4 * MIN, newSeen: [] }, 5, S).cursor.scannedUntil).toBe(END - 4 * MIN);
    // A partial read that only got through the overlap leaves the cursor where it was.
    const adv = advanceCursor(plan, { readUntil: END - 6 * MIN, newSeen: [] }, 5, S);
    expect(adv.cursor.scannedUntil).toBe(END - 5 * MIN);
    expect(adv.advanced).toBe(false);
  });

  it('keeps hits counted beyond a partial cursor so the re-read skips them', () => {
    const plan = planRead('g', cursor(), END, S);
    const beyond = seenEntry(END - 3 * MIN, 'x');
    const adv = advanceCursor(plan, { readUntil: END - 4 * MIN, newSeen: [beyond] }, 5, S);
    expect(adv.cursor.seen).toContain(beyond);
  });

  it('records a failure without moving, and anchors a new group where its lookback started', () => {
    const failed = advanceCursor(planRead('g', cursor(), END, S), { newSeen: [], error: 'AccessDeniedException: no' }, 7, S);
    expect(failed.cursor).toMatchObject({ scannedUntil: END - 5 * MIN, failingSince: 7, lastError: 'AccessDeniedException: no' });
    const anchored = advanceCursor(planRead('new', undefined, END, S), { newSeen: [] }, 7, S);
    expect(anchored.cursor.scannedUntil).toBe(END - 60 * MIN);
  });

  it('applies (and reports) a skip only when the read made progress', () => {
    const plan = planRead('g', cursor({ scannedUntil: END - 200 * MIN }), END, S);
    expect(advanceCursor(plan, { newSeen: [], error: 'boom' }, 1, S).skipped).toBeUndefined();
    expect(advanceCursor(plan, { newSeen: [], error: 'boom' }, 1, S).cursor.scannedUntil).toBe(END - 200 * MIN);
    const adv = advanceCursor(plan, { readUntil: END, newSeen: [] }, 1, S);
    expect(adv.skipped).toEqual({ from: END - 200 * MIN, to: END - 60 * MIN });
    expect(adv.cursor.failingSince).toBeUndefined();
  });

  it('caps the seen list and shortens the overlap instead of growing past the item size', () => {
    const plan = planRead('g', cursor(), END, S);
    const newSeen = Array.from({ length: MAX_SEEN_ENTRIES + 10 }, (_, i) => seenEntry(END - 2 * MIN + i, `e${i}`));
    const adv = advanceCursor(plan, { readUntil: END, newSeen }, 1, S);
    expect(adv.cursor.seen.length).toBeLessThanOrEqual(MAX_SEEN_ENTRIES);
    expect(adv.truncated).toBeGreaterThanOrEqual(10);
    expect(adv.cursor.seen.every((e) => seenEntryTime(e) >= adv.cursor.seenFrom)).toBe(true);
  });
});
