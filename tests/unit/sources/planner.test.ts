import { estimateFilter, planEngine, scaleSettingsFrom, DEFAULT_SCALE_SETTINGS } from '../../../src/sources/planner';

const FIVE_MIN = 5 * 60_000;
const MB = 1_000_000;

test('a few hundred quiet groups: filter (free, fits in the quota share)', () => {
  const d = planEngine({ groups: 200, bytesPerWindow: 50 * MB, intervalMs: FIVE_MIN });
  expect(d.engine).toBe('filter');
  expect(d.filter.calls).toEqual({ DescribeLogGroups: 4, FilterLogEvents: 200 });
  expect(d.filter.seconds).toBeCloseTo(4 / 5 + 200 / 5);
  expect(d.reason).toMatch(/^filter: 200 FilterLogEvents requests/);
});

test('1,000 groups: filter would hold the account quota for 2/3 of every interval, so insights', () => {
  const d = planEngine({ groups: 1000, bytesPerWindow: 200 * MB, intervalMs: FIVE_MIN });
  expect(d.filter.feasible).toBe(false);
  expect(d.filter.shareOfInterval).toBeCloseTo((20 / 5 + 1000 / 5) / 300);
  expect(d.engine).toBe('insights');
  expect(d.insights.calls.StartQuery).toBe(20);
  expect(d.insights.gbScanned).toBeCloseTo(0.2);
  expect(d.insights.usd).toBeGreaterThan(0.2 * 0.005);
  expect(d.insights.totalCalls).toBeLessThan(d.filter.totalCalls / 5);
});

test('insights over budget and filter over quota: the one that occupies less of the interval', () => {
  const d = planEngine({ groups: 1000, bytesPerWindow: 50_000 * MB, intervalMs: FIVE_MIN });
  expect(d.insights.feasible).toBe(false);
  expect(d.filter.feasible).toBe(false);
  expect(d.reason).toMatch(/^neither fits/);
});

test('chatty groups need more than one FilterLogEvents page each', () => {
  const e = estimateFilter({ groups: 10, bytesPerWindow: 50 * 1_048_576, intervalMs: FIVE_MIN }, DEFAULT_SCALE_SETTINGS);
  expect(e.calls.FilterLogEvents).toBe(50);
});

test('a setting forces the engine', () => {
  expect(planEngine({ groups: 10, bytesPerWindow: 1, intervalMs: FIVE_MIN, settings: { engine: 'insights' } })).toMatchObject({ engine: 'insights', forced: true });
  expect(planEngine({ groups: 5000, bytesPerWindow: 1, intervalMs: FIVE_MIN, settings: { engine: 'filter' } })).toMatchObject({ engine: 'filter', forced: true });
});

test('groups whose rules do not translate stay on filter and count against its quota', () => {
  const d = planEngine({ groups: 1000, insightsEligibleGroups: 0, bytesPerWindow: MB, intervalMs: FIVE_MIN });
  expect(d.engine).toBe('filter');
  const mixed = planEngine({ groups: 1000, insightsEligibleGroups: 900, bytesPerWindow: 100 * MB, intervalMs: FIVE_MIN });
  expect(mixed.insights.calls.FilterLogEvents).toBe(100);
});

test('sticky: keeps the previous engine near the boundary', () => {
  // ~700 groups: filter share is just under 0.5, insights is cheap; previous insights is kept.
  const d = planEngine({ groups: 700, bytesPerWindow: 10 * MB, intervalMs: FIVE_MIN, previous: 'insights' });
  expect(d.filter.feasible).toBe(true);
  expect(d.engine).toBe('insights');
  expect(d.reason).toMatch(/^kept insights/);
  expect(planEngine({ groups: 50, bytesPerWindow: 10 * MB, intervalMs: FIVE_MIN, previous: 'insights' }).engine).toBe('insights');
  expect(planEngine({ groups: 50, bytesPerWindow: 10 * MB, intervalMs: FIVE_MIN }).engine).toBe('filter');
});

test('scaleSettingsFrom keeps valid values and ignores the rest', () => {
  const s = scaleSettingsFrom({ engine: 'insights', maxConcurrentQueries: 4, groupsPerQuery: 99, tps: { FilterLogEvents: 2, Bogus: 3, StartQuery: -1 } });
  expect(s.engine).toBe('insights');
  expect(s.maxConcurrentQueries).toBe(4);
  expect(s.groupsPerQuery).toBe(50);
  expect(s.tps.FilterLogEvents).toBe(2);
  expect(s.tps.StartQuery).toBe(5);
  expect((s.tps as Record<string, number>).Bogus).toBeUndefined();
});

