import { DEFAULT_SETTINGS } from '../../../src/config/types';
import { scheduledWindow } from '../../../src/scan';

const settings = { ...DEFAULT_SETTINGS, scanIntervalMinutes: 5, ingestionLagMinutes: 2 };
const at = (iso: string): number => Date.parse(iso);

describe('scheduledWindow', () => {
  it('ends at least the ingestion lag before now, on the schedule grid', () => {
    const w = scheduledWindow(at('2024-05-01T12:05:30Z'), settings);
    expect(new Date(w.startMs).toISOString()).toBe('2024-05-01T11:55:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2024-05-01T12:00:00.000Z');
  });

  it('gives back-to-back windows for ticks that fire late by different amounts', () => {
    const first = scheduledWindow(at('2024-05-01T12:05:02Z'), settings);
    const second = scheduledWindow(at('2024-05-01T12:10:58Z'), settings);
    expect(second.startMs).toBe(first.endMs);
  });

  it('gives the same window to a retry of the same tick', () => {
    expect(scheduledWindow(at('2024-05-01T12:05:00Z'), settings)).toEqual(scheduledWindow(at('2024-05-01T12:06:59Z'), settings));
  });
});
