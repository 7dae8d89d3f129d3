/**
 * `npm start`: the real scheduled handler against an emulated CloudWatch Logs seeded with realistic
 * sample logs, posting to a local Slack receiver, with the received messages printed. No AWS, no Slack.
 */
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { renderPayloadText } from '../src/cli/render-text';
import { loadConfig } from '../src/config';
import { handler } from '../src/handler';
import { scheduledWindow } from '../src/scan';
import { startLocalStack } from '../tests/support/local-stack';
import { sampleLogs } from '../tests/fixtures/sample-logs';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  try {
    const now = Date.now();
    const { settings } = await loadConfig('config');
    const window = scheduledWindow(now, settings);
    const streams = sampleLogs(window.startMs);
    await stack.seed(streams);
    const seeded = streams.reduce((n, s) => n + s.events.length, 0);
    await stack.ssm.send(new PutParameterCommand({
      Name: '/cloudwatch-log-alerts/demo/slack-webhook-url', Type: 'SecureString', Value: stack.slack.url, Overwrite: true,
    }));
    process.env.SLACK_WEBHOOK_PARAM = '/cloudwatch-log-alerts/demo/slack-webhook-url';
    process.env.CONFIG_DIR = 'config';
    // As deployed (serverless.yml sets STAGE): config/channels.yml names /cloudwatch-log-alerts/${stage}/...
    process.env.STAGE = 'demo';

    console.log(`Emulated CloudWatch Logs at ${stack.endpoint}: ${streams.length} log streams, ${seeded} events in ${new Date(window.startMs).toISOString()} .. ${new Date(window.endMs).toISOString()}`);
    console.log(`Local Slack receiver at ${stack.slack.url}\n`);
    const summary = await handler({ time: new Date(now).toISOString() });

    stack.slack.posts.forEach((post, i) => {
      console.log(`\n--- Slack message ${i + 1} of ${stack.slack.posts.length} (received by the local webhook) ---`);
      console.log(renderPayloadText(post.body as never));
    });
    console.log(
      `\nScanned ${summary.logGroups} log groups, ${summary.events} events in ${summary.durationMs} ms ` +
      `(${summary.eventsPerSecond} events/s in the scan) with ${summary.rules} rules: ${summary.hits} hits → ` +
      `${summary.alerts} alerts → ${summary.messages} Slack message${summary.messages === 1 ? "" : "s"}. API calls: ${JSON.stringify(stack.calls())}`,
    );
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
