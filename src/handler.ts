import { isAbsolute, join } from 'node:path';
import { sendSlackMessages } from './alerts';
import { runJob, type RunSummary } from './job';
import { CloudWatchSource, createLogsClient } from './sources';
import { webhookUrlFromSsm } from './webhook-url';

/** The fields of the EventBridge scheduled event the handler uses. */
export interface ScheduledEvent {
  time?: string;
}

export async function handler(event: ScheduledEvent = {}): Promise<RunSummary> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const logs = createLogsClient(region);
  const { summary } = await runJob({
    configDir: configDir(),
    source: new CloudWatchSource(logs),
    region,
    // The scheduled event's own time, not the clock: an async retry of the same tick rescans the same window.
    now: event.time ? Date.parse(event.time) : Date.now(),
    deliver: async (payloads) => sendSlackMessages(await webhookUrlFromSsm(webhookParameter()), payloads),
  });
  // One JSON line per run so users can build metric filters and alarms on the scanner itself.
  const level = summary.failures.length || summary.configProblems.length ? 'WARN' : 'INFO';
  console.log(JSON.stringify({ level, message: 'scan complete', ...summary }));
  return summary;
}

function webhookParameter(): string {
  const name = process.env.SLACK_WEBHOOK_PARAM;
  if (!name) throw new Error('SLACK_WEBHOOK_PARAM is not set: it names the SSM parameter holding the Slack webhook URL');
  return name;
}

function configDir(): string {
  const dir = process.env.CONFIG_DIR ?? 'config';
  return isAbsolute(dir) ? dir : join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), dir);
}
