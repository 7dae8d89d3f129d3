import { rule } from '../pipeline/rules';
import { harness, MIN, T0 } from './harness';

const G = '/aws/lambda/orders';
const tickAt = (k: number): number => T0 + k * 5 * MIN + 2.5 * MIN;

describe('realert window growing over a long incident', () => {
  async function run(settings: { realertMinutes: number; realertMaxMinutes: number }, hitTicks: number[], lastTick: number) {
    const h = harness([rule({ id: 'errors' })], settings);
    const postedTicks: number[] = [];
    for (let k = 0; k <= lastTick; k++) {
      if (hitTicks.includes(k)) h.source.add(G, T0 + k * 5 * MIN - MIN, 'ERROR database refused the connection');
      const before = h.posted.length;
      await h.tick(tickAt(k));
      if (h.posted.length > before) postedTicks.push(k);
    }
    // Ticks are 5 minutes apart: the minute of each post since the incident began.
    return { h, minutes: postedTicks.map((k) => k * 5) };
  }

  it('doubles the quiet period after each reminder while the incident goes on, up to the maximum', async () => {
    const every = Array.from({ length: 100 }, (_, k) => k);
    const { h, minutes } = await run({ realertMinutes: 30, realertMaxMinutes: 120 }, every, 99);
    // 30, then 60, then 120 and capped: 0, 30, 90, 210, 330, 450
    expect(minutes).toEqual([0, 30, 90, 210, 330, 450]);
    expect(JSON.stringify(h.posted[1])).toContain('Still happening');
  });

  it('keeps a fixed window when no maximum is set', async () => {
    const every = Array.from({ length: 30 }, (_, k) => k);
    const { minutes } = await run({ realertMinutes: 30, realertMaxMinutes: 0 }, every, 29);
    expect(minutes).toEqual([0, 30, 60, 90, 120]);
  });

  it('starts again at the base window after a quiet gap of one base window', async () => {
    // Episode one: hits at 0..45 min (reminders at 0 and 30). Quiet from 45 to 120 min. Episode two from 120 min.
    const hits = [...Array.from({ length: 10 }, (_, k) => k), ...Array.from({ length: 20 }, (_, k) => 24 + k)];
    const { minutes } = await run({ realertMinutes: 30, realertMaxMinutes: 480 }, hits, 43);
    expect(minutes).toEqual([0, 30, 120, 150, 210]);
  });
});
