import { sendSlackMessages, type SlackPayload } from '../alerts';
import { runJob, type JobResult } from '../job';
import { CloudWatchSource, createLogsClient, FileSource, type LogSource } from '../sources';
import { webhookUrlFromSsm } from '../webhook-url';
import { parseArgs, parseDuration, stringFlag, UsageError } from './args';
import { alertJson } from './alert-json';
import { renderPayloadText } from './render-text';

export const SCAN_USAGE = `scan [--dry-run] [--source file:PATH[,PATH...]] [--config DIR] [--format text|json] [--since 30m]
  --source file:...  scan local files (one event per line; the file name, URL-decoded, is the log group)
                     instead of CloudWatch; implies --dry-run
  --dry-run          print the alerts and Slack payloads, post nothing
  --since DURATION   read this far back instead of the scheduled window (CloudWatch only)
  Posting needs SLACK_WEBHOOK_URL, or SLACK_WEBHOOK_PARAM naming the SSM parameter that holds it.`;

export async function scanCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgs(args, ['dry-run']);
  const format = stringFlag(parsed, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const sourceSpec = stringFlag(parsed, 'source');
  const since = stringFlag(parsed, 'since');
  const dryRun = parsed.flags.has('dry-run') || sourceSpec !== undefined;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const now = Date.now();

  let source: LogSource;
  let window;
  if (sourceSpec !== undefined) {
    if (!sourceSpec.startsWith('file:')) throw new UsageError(`--source must look like file:PATH[,PATH...], not "${sourceSpec}"`);
    const paths = sourceSpec.slice('file:'.length).split(',').filter(Boolean);
    if (paths.length === 0) throw new UsageError('--source file: needs at least one path');
    source = new FileSource(paths);
    // A file is a sample to scan whole, whatever its timestamps.
    window = { startMs: Number.NEGATIVE_INFINITY, endMs: Number.POSITIVE_INFINITY };
  } else {
    source = new CloudWatchSource(createLogsClient(region));
    if (since) window = { startMs: now - parseDuration(since), endMs: now };
  }

  const job = await runJob({
    configDir: stringFlag(parsed, 'config') ?? 'config',
    source,
    region,
    now,
    window,
    deliver: dryRun ? undefined : deliverToSlack,
  });
  for (const problem of job.summary.configProblems) err.write(`${problem}\n`);
  out.write(format === 'json' ? `${JSON.stringify(jsonReport(job, dryRun), null, 2)}\n` : textReport(job, dryRun));
  return job.summary.configProblems.length || job.summary.failures.length ? 1 : 0;
}

async function deliverToSlack(payloads: SlackPayload[]): Promise<void> {
  const url = process.env.SLACK_WEBHOOK_URL
    ?? (process.env.SLACK_WEBHOOK_PARAM ? await webhookUrlFromSsm(process.env.SLACK_WEBHOOK_PARAM) : undefined);
  if (!url) throw new UsageError('set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAM to post, or use --dry-run');
  await sendSlackMessages(url, payloads);
}

function jsonReport(job: JobResult, dryRun: boolean): unknown {
  return {
    dryRun,
    summary: job.summary,
    alerts: job.scan.alerts.map(alertJson),
    slack: job.payloads,
  };
}

function textReport(job: JobResult, dryRun: boolean): string {
  const s = job.summary;
  const parts = job.payloads.map((p, i) => `--- Slack message ${i + 1} of ${job.payloads.length}${dryRun ? ' (dry run, not posted)' : ''} ---\n${renderPayloadText(p)}\n`);
  const failures = s.failures.map((f) => `  ${f.logGroup}: ${f.error}\n`).join('');
  return (
    parts.join('\n') +
    `\nScanned ${s.logGroups} log groups, ${s.events} events (${s.eventsPerSecond} events/s) with ${s.rules} rules: ` +
    `${s.hits} hits, ${s.alerts} alerts, ${s.messages} Slack message${s.messages === 1 ? "" : "s"} ${dryRun ? 'shown' : 'posted'}.\n` +
    (failures ? `Log groups that failed:\n${failures}` : '')
  );
}
