import { buildSlackMessages, type SlackPayload } from './alerts';
import { formatProblem, loadConfig } from './config';
import type { Config } from './config/types';
import { scan, scheduledWindow, type ScanResult, type ScanWindow } from './scan';
import type { LogSource } from './sources';

export interface JobOptions {
  configDir: string;
  source: LogSource;
  region: string;
  now: number;
  /** Defaults to the scheduled window ending `lag` before `now`. */
  window?: ScanWindow;
  /** Posts the payloads; absent in a dry run. */
  deliver?: (payloads: SlackPayload[]) => Promise<void>;
}

export interface RunSummary {
  window: { start: string; end: string };
  rules: number;
  logGroups: number;
  events: number;
  hits: number;
  alerts: number;
  messages: number;
  failures: { logGroup: string; error: string }[];
  configProblems: string[];
  durationMs: number;
  eventsPerSecond: number;
}

export interface JobResult {
  config: Config;
  scan: ScanResult;
  payloads: SlackPayload[];
  summary: RunSummary;
}

/** config → sources → matching → dedup → alerts, shared by the Lambda handler and the CLI. */
export async function runJob(opts: JobOptions): Promise<JobResult> {
  const started = Date.now();
  const config = await loadConfig(opts.configDir);
  const window = opts.window ?? scheduledWindow(opts.now, config.settings);
  const result = await scan(config, opts.source, window);
  const payloads = buildSlackMessages(result.alerts, { region: opts.region, ...config.settings });
  if (opts.deliver && payloads.length > 0) await opts.deliver(payloads);
  const durationMs = Date.now() - started;
  const summary: RunSummary = {
    window: { start: isoOrOpen(window.startMs), end: isoOrOpen(window.endMs) },
    rules: config.rules.length,
    logGroups: result.logGroups,
    events: result.events,
    hits: result.hits,
    alerts: result.alerts.length,
    messages: payloads.length,
    failures: result.failures,
    configProblems: config.problems.map(formatProblem),
    durationMs,
    eventsPerSecond: Math.round(result.events / Math.max(result.durationMs, 1) * 1000),
  };
  return { config, scan: result, payloads, summary };
}

function isoOrOpen(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'open';
}
