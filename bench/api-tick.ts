/**
 * Benchmark (a): one scheduled tick over 1,000 log groups against the quota-enforcing emulator, with the
 * real AWS SDK over HTTP, for both engines and for the naive plan (every rule reads every group it targets).
 *
 *   npx tsx bench/api-tick.ts [--groups 1000] [--naive-scale 50] [--filter-scale 1]
 *
 * The filter engine runs at the real 5 TPS (FilterLogEvents' documented quota). The naive plan needs ~10x
 * the calls, so it runs on a second emulator with every quota (and the limiter) multiplied by
 * --naive-scale: its call count is exact, its wall time is EXTRAPOLATED (measured x scale), and the
 * table says so. Quota floor = the minimum calls the engine needs / the allowed TPS, per phase; for the
 * Insights queries, the best schedule the TPS, concurrency and query latency allow (queryScheduleFloor).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Emulator, startCloudWatchLogsEmulator } from '../tests/support/cloudwatch-logs-emulator';
import { errorLine, INSIGHTS_CONCURRENCY, quietLine, rand, resetRand } from './scale/rules';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

const TPS = { DescribeLogGroups: 5, FilterLogEvents: 5, StartQuery: 5, GetQueryResults: 5, StopQuery: 5, GetLogRecord: 5 };
const INSIGHTS_LATENCY_MS = 2500;
const WINDOW_END = Date.UTC(2026, 0, 1, 12, 5, 0);
const WINDOW = { startMs: WINDOW_END - 5 * 60_000, endMs: WINDOW_END };

export interface World {
  groups: number;
  events: number;
  bytes: number;
  kinds: Record<string, number>;
}

/** Most groups quiet, some chatty, a few erroring; plus events just outside the window. */
export function seedWorld(emulator: Emulator, groups: number): World {
  resetRand(42);
  const world: World = { groups, events: 0, bytes: 0, kinds: { quiet: 0, chatty: 0, veryChatty: 0, erroring: 0 } };
  for (let g = 0; g < groups; g++) {
    const name = `/aws/lambda/svc-${String(g % 40).padStart(2, '0')}-fn-${String(g).padStart(4, '0')}`;
    const kind = g % 50 === 7 ? 'erroring' : g % 50 === 3 ? 'veryChatty' : g % 10 === 5 ? 'chatty' : 'quiet';
    world.kinds[kind]!++;
    const n = kind === 'quiet' ? Math.floor(rand() * 6) : kind === 'chatty' ? 1500 + Math.floor(rand() * 1000) : kind === 'veryChatty' ? 12_000 : 400;
    const events = [];
    for (let i = 0; i < n; i++) {
      const ts = WINDOW.startMs + Math.floor((i / Math.max(n, 1)) * 300_000) + (g % 1000);
      const message = kind === 'erroring' && i % 20 === 0 ? errorLine(ts) : quietLine(ts);
      events.push({ timestamp: ts, message });
      world.bytes += Buffer.byteLength(message);
    }
    // Outside the window on both sides: must not be read back.
    events.push({ timestamp: WINDOW.startMs - 1000, message: errorLine(WINDOW.startMs - 1000) });
    events.push({ timestamp: WINDOW.endMs + 1000, message: errorLine(WINDOW.endMs + 1000) });
    world.events += n;
    emulator.seed(name, `2026/01/01/[$LATEST]${g.toString(16).padStart(32, '0')}`, events);
  }
  return world;
}

interface RunFigures {
  engine: string;
  wallSeconds: number;
  /** Wall time as measured, multiplied back to real quotas when the run was time-scaled. */
  wallSecondsAtRealQuota: number;
  scaled: number;
  calls: Record<string, number>;
  totalCalls: number;
  throttled: Record<string, number>;
  floorSeconds: number;
  ratioToFloor: number;
  hits: number;
  alerts: number;
  events: number;
  failures: number;
  stats: Record<string, number>;
  bytesScanned?: number;
  signature: string;
}

const scaleTps = (k: number) => Object.fromEntries(Object.entries(TPS).map(([api, v]) => [api, v * k]));

interface WorkerOut {
  wallSeconds: number;
  hits: number;
  alerts: number;
  events: number;
  failures: number;
  stats: Record<string, number>;
  signature: string;
}

/** Runs one scan in a child process (the emulator keeps serving from this one). */
function runWorker(job: Record<string, unknown>): Promise<WorkerOut> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'scale', 'tick-worker.ts'), JSON.stringify(job)], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`tick worker failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as WorkerOut);
    });
  });
}

function figures(engine: string, w: WorkerOut, scale: number, emulator: Emulator, floor: number): RunFigures {
  return {
    engine,
    wallSeconds: w.wallSeconds,
    wallSecondsAtRealQuota: w.wallSeconds * scale,
    scaled: scale,
    calls: { ...emulator.calls },
    totalCalls: Object.values(emulator.calls).reduce((a, b) => a + b, 0),
    throttled: { ...emulator.throttled },
    floorSeconds: floor,
    ratioToFloor: (w.wallSeconds * scale) / floor,
    hits: w.hits,
    alerts: w.alerts,
    events: w.events,
    failures: w.failures,
    stats: w.stats,
    signature: w.signature,
  };
}

/**
 * The soonest `queries` Insights queries can all be read, by the best schedule the quotas allow: StartQuery
 * and GetQueryResults each at most their TPS, at most `concurrency` queries running, each done
 * INSIGHTS_LATENCY_MS after it starts and read with a single GetQueryResults. (Counting calls / TPS alone
 * would ignore that a query holds its slot for the whole latency.)
 */
export function queryScheduleFloor(queries: number, concurrency: number): number {
  const latency = INSIGHTS_LATENCY_MS / 1000;
  const read: number[] = [];
  let lastStart = -Infinity;
  let lastRead = -Infinity;
  for (let i = 0; i < queries; i++) {
    const start = Math.max(lastStart + 1 / TPS.StartQuery, i >= concurrency ? read[i - concurrency]! : 0, 0);
    const at = Math.max(start + latency, lastRead + 1 / TPS.GetQueryResults);
    read.push(at);
    lastStart = start;
    lastRead = at;
  }
  return read.length ? Math.max(...read) : 0;
}

export async function runApiTick(opts: { groups?: number; naiveScale?: number; filterScale?: number; rules?: number } = {}) {
  const groups = opts.groups ?? arg('groups', 1000);
  const naiveScale = opts.naiveScale ?? arg('naive-scale', 50);
  const filterScale = opts.filterScale ?? arg('filter-scale', 1);
  const ruleCount = opts.rules ?? 10;
  const out: RunFigures[] = [];
  const emulator = await startCloudWatchLogsEmulator({
    rngSeed: 1,
    quotas: scaleTps(filterScale),
    insights: { queryDelayMs: INSIGHTS_LATENCY_MS / filterScale, maxConcurrentQueries: 30 },
  });
  const world = seedWorld(emulator, groups);
  const job = (engine: string, scale: number) => ({
    endpoint: emulator.endpoint,
    region: emulator.region,
    engine,
    rules: ruleCount,
    tps: scaleTps(scale),
    window: WINDOW,
    pollInitialMs: 1000 / scale,
    pollMaxMs: 5000 / scale,
  });
  const describePages = Math.ceil(groups / 50);

  // --- filter engine (FilterLogEvents, one read per group for all rules) ---
  const filter = await runWorker(job('filter', filterScale));
  // The minimum: every DescribeLogGroups page, then every FilterLogEvents page (the emulator returns full
  // pages, so the pages read are the minimum), each phase at its allowed TPS; the first call needs no wait.
  const filterFloor = (describePages - 1) / TPS.DescribeLogGroups + (emulator.calls.FilterLogEvents ?? 0) / TPS.FilterLogEvents;
  out.push(figures('filter', filter, filterScale, emulator, filterFloor));

  // --- insights engine: same emulator and data, counters and quota buckets reset ---
  emulator.reset();
  const again = seedWorld(emulator, groups);
  if (again.events !== world.events) throw new Error('reseed differs');
  const insights = await runWorker(job('insights', filterScale));
  const queries = emulator.calls.StartQuery ?? 0;
  const insightsFloor = (describePages - 1) / TPS.DescribeLogGroups + queryScheduleFloor(queries, INSIGHTS_CONCURRENCY);
  const insightsFigures = figures('insights', insights, filterScale, emulator, insightsFloor);
  insightsFigures.bytesScanned = insights.stats.insightsBytesScanned ?? 0;
  out.push(insightsFigures);
  await emulator.close();

  // --- naive plan: each rule resolves its groups and reads every one of them (time-scaled) ---
  const naiveEmulator = await startCloudWatchLogsEmulator({ rngSeed: 1, quotas: scaleTps(naiveScale) });
  seedWorld(naiveEmulator, groups);
  const naiveJob = { ...job('naive', naiveScale), endpoint: naiveEmulator.endpoint };
  const naive = await runWorker(naiveJob);
  const naiveFloor = (ruleCount * describePages - 1) / TPS.DescribeLogGroups + (naiveEmulator.calls.FilterLogEvents ?? 0) / TPS.FilterLogEvents;
  out.push(figures('naive (per rule)', naive, naiveScale, naiveEmulator, naiveFloor));
  await naiveEmulator.close();

  const same = out.every((r) => r.signature === out[0]!.signature);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    groups,
    rules: ruleCount,
    world,
    tps: TPS,
    insightsLatencyMs: INSIGHTS_LATENCY_MS,
    sameHitsAcrossEngines: same,
    runs: out.map(({ signature, ...r }) => ({ ...r, alertSignature: signature })),
    callsVsNaive: Object.fromEntries(out.map((r) => [r.engine, r.totalCalls / out[2]!.totalCalls])),
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'api-tick.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export function apiTickTable(report: Awaited<ReturnType<typeof runApiTick>>): string {
  const rows = report.runs.map((r) => {
    const calls = Object.entries(r.calls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const wall =
      r.scaled === 1
        ? `${r.wallSeconds.toFixed(1)} s`
        : r.engine.startsWith('naive')
          ? `≥ ${r.floorSeconds.toFixed(0)} s (its quota floor; not run at 5 TPS: measured ${r.wallSeconds.toFixed(1)} s at ${r.scaled}x quotas)`
          : `${r.wallSecondsAtRealQuota.toFixed(1)} s (EXTRAPOLATED: ${r.wallSeconds.toFixed(1)} s at ${r.scaled}x quotas)`;
    const ratio = r.engine.startsWith('naive') ? '—' : `${r.ratioToFloor.toFixed(2)}x`;
    const throttled = Object.values(r.throttled).reduce((a, b) => a + b, 0);
    return `| ${r.engine} | ${wall} | ${r.totalCalls} | ${calls} | ${throttled} | ${r.floorSeconds.toFixed(1)} s | ${ratio} | ${(report.callsVsNaive[r.engine]! * 100).toFixed(1)}% | ${r.hits} |`;
  });
  return [
    `One 5-minute tick, ${report.groups} log groups (${Object.entries(report.world.kinds).map(([k, v]) => `${v} ${k}`).join(', ')}; ${report.world.events.toLocaleString('en-US')} events, ${(report.world.bytes / 1e6).toFixed(0)} MB), ${report.rules} rules, emulator quotas ${report.tps.FilterLogEvents} TPS per API, Insights latency ${report.insightsLatencyMs / 1000} s. Same hits in every run: ${report.sameHitsAcrossEngines ? 'yes' : 'NO'}.`,
    '',
    '| plan | wall time | API calls | by kind | throttled | quota floor | vs floor | calls vs naive | hits |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  runApiTick().then((r) => console.log(apiTickTable(r)));
}
