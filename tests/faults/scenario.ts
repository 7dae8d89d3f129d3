/**
 * Fault scenarios: seed a known set of hits (each line with its own marker, so each is its own alert),
 * run the real handler tick after tick on a fake clock while faults are injected, then run clean ticks
 * until every log group is caught up and nothing is pending, and count what reached Slack.
 */
import type { HandlerOptions } from '../../src/handler';
import type { RunSummary } from '../../src/job';
import type { EmulatorOptions } from '../support/cloudwatch-logs-emulator';
import { seededRandom } from '../support/cloudwatch-logs/faults';
import { ERROR_RULES, errorLine, marker, MIN, startStatefulStack, T0, type StatefulStack } from '../e2e/stateful-stack';

export interface Scenario {
  name: string;
  /** Seeds the hit layout and the emulator's random faults. */
  seed: number;
  groups: number;
  hits: number;
  /** Ticks with faults; the hits are spread over their windows. */
  ticks: number;
  /** Non-matching lines per hit, so pages carry realistic noise. */
  noisePerHit?: number;
  /** Each hit becomes searchable up to this long after its timestamp (CloudWatch ingestion delay). */
  maxIngestionDelayMs?: number;
  settingsYaml?: string;
  emulator?: EmulatorOptions;
  handler?: HandlerOptions;
  /** Injects this tick's faults. */
  beforeTick?: (tick: number, s: StatefulStack, random: () => number) => void;
  remainingMs?: (tick: number) => number;
  /** Runs the tick: by default one invocation. */
  runTick?: (tick: number, s: StatefulStack, remainingMs: number) => Promise<void>;
}

export interface Figures {
  scenario: string;
  seeded: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Slack requests that got no answer but carried a hit: they may have reached a real Slack. */
  unanswered: number;
  ticks: number;
  slackRequests: number;
  failuresSeen: number;
  maxPending: number;
  stoppedEarlyRuns: number;
}

export interface Outcome {
  figures: Figures;
  stack: StatefulStack;
  markers: string[];
}

const STREAMS = ['2026/11/23/[$LATEST]00aa', '2026/11/23/[$LATEST]00bb'];
const CLEAN_TICKS = 15;

export async function runScenario(sc: Scenario): Promise<Outcome> {
  const s = await startStatefulStack({
    rulesYaml: ERROR_RULES,
    settingsYaml: sc.settingsYaml ?? 'realertMinutes: 0\n',
    emulator: { rngSeed: sc.seed, ...sc.emulator },
    handler: {
      slack: { timeoutMs: 300, maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      logs: { requestTimeoutMs: 1_000, maxAttempts: 3 },
      ...sc.handler,
    },
  });
  const random = seededRandom(sc.seed);
  const markers: string[] = [];
  const span = sc.ticks * 5 * MIN;
  const start = T0 - 5 * MIN;
  // Lay the hits out (and the noise around them), each with the time it becomes searchable.
  const byStream = new Map<string, { timestamp: number; message: string; ingestionTime: number }[]>();
  const add = (group: string, stream: string, timestamp: number, message: string, delay: number) => {
    const key = `${group}\u0000${stream}`;
    const list = byStream.get(key) ?? [];
    list.push({ timestamp, message, ingestionTime: timestamp + delay });
    byStream.set(key, list);
  };
  const groupName = (g: number) => `/aws/lambda/svc-${String(g).padStart(2, '0')}`;
  for (let i = 0; i < sc.hits; i++) {
    const m = marker(i);
    markers.push(m);
    const group = groupName(Math.floor(random() * sc.groups));
    const stream = STREAMS[Math.floor(random() * STREAMS.length)]!;
    const ts = start + Math.floor(random() * span);
    add(group, stream, ts, errorLine(ts, `seeded failure ${m}`), Math.floor(random() * (sc.maxIngestionDelayMs ?? 0)));
    for (let n = 0; n < (sc.noisePerHit ?? 3); n++) {
      const nts = start + Math.floor(random() * span);
      add(group, stream, nts, `${new Date(nts).toISOString()}\tINFO\trequest served`, Math.floor(random() * (sc.maxIngestionDelayMs ?? 0)));
    }
  }
  s.clock.now = start;
  for (let g = 0; g < sc.groups; g++) s.stack.emulator.seed(groupName(g));
  for (const [key, events] of byStream) {
    const [group, stream] = key.split('\u0000') as [string, string];
    s.stack.emulator.seed(group, stream, events);
  }

  const runOnce = sc.runTick ?? (async (k, st, remainingMs) => void (await st.tick(k, { remainingMs })));
  let tick = 0;
  for (; tick < sc.ticks; tick++) {
    sc.beforeTick?.(tick, s, random);
    await runOnce(tick, s, sc.remainingMs?.(tick) ?? 30_000);
  }
  // Faults over: run until caught up and drained (a real deployment just keeps ticking).
  s.stack.emulator.faults.clear();
  const lastHit = start + span;
  for (let extra = 0; extra < CLEAN_TICKS; extra++, tick++) {
    const summary = await s.tick(tick);
    if (settled(summary) && Date.parse(summary.window.end) > lastHit + (sc.maxIngestionDelayMs ?? 0)) {
      tick++;
      break;
    }
  }

  const delivered = s.delivered();
  const answered = new Set(s.deliveredPosts());
  const unanswered = s.stack.slack.posts.filter((p) => !answered.has(p) && p.response === undefined && /\bmk[a-z]+q\b/.test(p.rawBody)).length;
  const figures: Figures = {
    scenario: sc.name,
    seeded: markers.length,
    delivered: markers.filter((m) => delivered.has(m)).length,
    lost: markers.filter((m) => !delivered.has(m)).length,
    duplicates: [...delivered.values()].reduce((n, c) => n + c - 1, 0),
    unanswered,
    ticks: tick,
    slackRequests: s.stack.slack.posts.length,
    failuresSeen: s.summaries.reduce((n, x) => n + x.failures.length, 0),
    maxPending: Math.max(0, ...s.summaries.map((x) => x.pending ?? 0)),
    stoppedEarlyRuns: s.summaries.filter((x) => x.stoppedEarly).length,
  };
  return { figures, stack: s, markers };
}

function settled(s: RunSummary): boolean {
  return s.lease === 'acquired' && s.groupsBehind === 0 && s.pending === 0 && s.failures.length === 0;
}

/** Prints the figures of a file's scenarios as one small table. */
export function printFigures(rows: Figures[]): void {
  if (rows.length === 0) return;
  const cols: (keyof Figures)[] = ['scenario', 'seeded', 'delivered', 'lost', 'duplicates', 'unanswered', 'ticks', 'slackRequests', 'failuresSeen', 'maxPending', 'stoppedEarlyRuns'];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  console.log(['', line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n'));
}

/**
 * What every fault suite does around its scenarios: a quiet console, each scenario's stack closed after its
 * test, and the figures of all of them printed at the end. `run` runs a scenario; `record` adds the figures of
 * a test that counts for itself.
 */
export function trackScenarios(): { run(sc: Scenario): Promise<Outcome>; record(figures: Figures): void } {
  const rows: Figures[] = [];
  let outcome: Outcome | undefined;
  let logSpy: jest.SpyInstance;
  beforeEach(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    logSpy.mockRestore();
    if (outcome) rows.push(outcome.figures);
    await outcome?.stack.close();
    outcome = undefined;
  });
  afterAll(() => printFigures(rows));
  return {
    run: async (sc) => (outcome = await runScenario(sc)),
    record: (figures) => void rows.push(figures),
  };
}

/** Every seeded hit reached Slack exactly once. */
export function expectExactlyOnce(o: Outcome): void {
  expect(o.figures).toMatchObject({ lost: 0, duplicates: 0, delivered: o.figures.seeded });
}
