// The job: config → sources → matching → dedup → state → alerts, shared by the Lambda handler and the CLI.
import { formatProblem, loadConfig } from '../config';
import { scan, scheduledWindow } from '../scan';
import { type JobOptions, type JobResult, type RunSummary } from './types';
import { isoOrOpen } from './run';
import { runWithState } from './stateful-run';
import { planRoutedMessages } from './routing';

/** config → sources → matching → dedup → alerts, shared by the Lambda handler and the CLI. */
export async function runJob(opts: JobOptions): Promise<JobResult> {
  const config = opts.config ?? (await loadConfig(opts.configDir, opts.stage !== undefined ? { stage: opts.stage } : {}));
  if (opts.state) return runWithState(config, opts, opts.state);
  const started = Date.now();
  const window = opts.window ?? scheduledWindow(opts.now, config.settings);
  const result = await scan(config, opts.source, window, opts.groupVariables ? { groupVariables: opts.groupVariables } : {});
  const routed = planRoutedMessages(config, result.alerts, opts.region);
  const payloads = routed.flatMap((r) => r.messages.map((m) => m.payload));
  if (opts.deliver) {
    for (const { channel, messages } of routed) if (messages.length > 0) await opts.deliver(messages.map((m) => m.payload), channel);
  }
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
    ...(result.variableFailures?.length ? { variableFailures: result.variableFailures } : {}),
  };
  return { config, scan: result, payloads, summary };
}

export * from './types';
export { planRoutedMessages } from './routing';
export { defaultOverlapMs } from './run';
export { blendVolume, measuredVolume } from './volume';
