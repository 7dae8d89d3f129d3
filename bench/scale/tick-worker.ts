/**
 * One scan of the tick benchmark, in its own process: the emulator (in the parent) never shares an event
 * loop or heap with the scanner, and the matcher's per-process rule budget starts fresh for every run.
 *   node --import tsx bench/scale/tick-worker.ts '{"endpoint":…,"engine":"filter"|"insights"|"naive",…}'
 */
import { DEFAULT_SETTINGS, type Config, type Rule } from '../../src/config/types';
import { scan, type ScanResult } from '../../src/scan';
import { CloudWatchSource } from '../../src/sources';
import { InsightsSource } from '../../src/sources/insights';
import { ApiCallCounter, RateLimiter } from '../../src/sources/rate-limit';
import { cloudWatchLogsClientFor } from '../../tests/support/cloudwatch-logs-emulator';
import { benchRules, INSIGHTS_CONCURRENCY } from './rules';

interface Job {
  endpoint: string;
  region: string;
  engine: 'filter' | 'insights' | 'naive';
  rules: number;
  tps: Record<string, number>;
  window: { startMs: number; endMs: number };
  pollInitialMs: number;
  pollMaxMs: number;
}

async function main() {
  const job = JSON.parse(process.argv[2]!) as Job;
  const rules = benchRules(job.rules);
  const config = (rs: Rule[]): Config => ({ settings: DEFAULT_SETTINGS, rules: rs, problems: [] });
  const client = cloudWatchLogsClientFor({ endpoint: job.endpoint, region: job.region }, { maxAttempts: 8 });
  const counter = new ApiCallCounter();
  const limiter = new RateLimiter(job.tps);
  const t = performance.now();
  let results: ScanResult[];
  if (job.engine === 'insights') {
    const source = new InsightsSource(client, rules, { limiter, counter, maxConcurrentQueries: INSIGHTS_CONCURRENCY, pollInitialMs: job.pollInitialMs, pollMaxMs: job.pollMaxMs });
    results = [await scan(config(rules), source, job.window, { concurrency: 3 })];
  } else if (job.engine === 'filter') {
    results = [await scan(config(rules), new CloudWatchSource(client, { limiter, counter }), job.window, { concurrency: 3 })];
  } else {
    // Naive: each rule on its own resolves its groups and reads every one (concurrency 10 so a time-scaled
    // run is not bound by round trips; that changes no call count).
    const source = new CloudWatchSource(client, { limiter, counter });
    results = [];
    for (const r of rules) results.push(await scan(config([r]), source, job.window, { concurrency: 10 }));
  }
  const wallSeconds = (performance.now() - t) / 1000;
  client.destroy();
  const signature = results
    .flatMap((r) => r.alerts.map((a) => `${a.rule.id}|${a.count}`))
    .sort()
    .join(',');
  console.log(
    JSON.stringify({
      wallSeconds,
      hits: results.reduce((n, r) => n + r.hits, 0),
      alerts: results.reduce((n, r) => n + r.alerts.length, 0),
      events: results.reduce((n, r) => n + r.events, 0),
      failures: results.reduce((n, r) => n + r.failures.length, 0),
      stats: counter.stats,
      counted: counter.calls,
      signature,
    }),
  );
}

void main();
