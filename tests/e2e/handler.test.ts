/**
 * The Lambda handler end to end: the real AWS SDK clients talk over HTTP to the CloudWatch Logs + SSM
 * emulator, the real @slack/webhook posts to a local receiver, and the assertions are on what Slack got.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler } from '../../src/handler';
import { scheduledWindow } from '../../src/scan';
import { DEFAULT_SETTINGS } from '../../src/config/types';
import { forgetCachedWebhookUrl } from '../../src/webhook-url';
import { SAMPLE_TRACE_ID, sampleLogs } from '../fixtures/sample-logs';
import { startLocalStack, type LocalStack } from '../support/local-stack';

const PARAM = '/cloudwatch-log-alerts/test/slack-webhook-url';
const NOW = Date.parse('2026-11-23T12:05:40Z');
const WINDOW = scheduledWindow(NOW, DEFAULT_SETTINGS); // 11:55..12:00 with the default 5 min interval, 2 min lag

function configDir(rulesYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cwla-e2e-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'test.yml'), rulesYaml);
  return dir;
}

const RULES = `
rules:
  - id: node-invoke-error
    description: Unhandled error in a Node.js handler
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: '\\tERROR\\t'
    exclude: ['ECONNRESET']
  - id: structured-error
    description: Powertools ERROR line
    severity: critical
    logGroups: ['/aws/lambda/checkout']
    pattern: '"level":"ERROR"'
  - id: apigw-5xx
    description: API Gateway answered 5xx
    severity: critical
    logGroups: ['API-Gateway-Execution-Logs_*']
    pattern: 'Method completed with status: 5\\d\\d'
`;

interface Block { type: string; text?: { text: string }; elements?: { text: string }[]; fields?: { text: string }[] }
interface Payload { text: string; blocks: Block[] }
const textOf = (p: Payload): string => JSON.stringify(p);

describe('scheduled handler against the emulator', () => {
  let stack: LocalStack;
  const logs: string[] = [];
  let logSpy: jest.SpyInstance;

  beforeAll(async () => {
    stack = await startLocalStack({ now: () => NOW });
    stack.emulator.putParameter(PARAM, stack.slack.url, 'SecureString');
    process.env.SLACK_WEBHOOK_PARAM = PARAM;
    logSpy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
  });

  afterAll(async () => {
    logSpy.mockRestore();
    delete process.env.SLACK_WEBHOOK_PARAM;
    delete process.env.CONFIG_DIR;
    await stack.close();
  });

  beforeEach(() => {
    stack.emulator.reset();
    stack.emulator.putParameter(PARAM, stack.slack.url, 'SecureString');
    stack.slack.reset();
    forgetCachedWebhookUrl();
    logs.length = 0;
  });

  it('posts one alert per rule and error template, with links to the stream at the hit', async () => {
    process.env.CONFIG_DIR = configDir(RULES);
    await stack.seed(sampleLogs(WINDOW.startMs));

    const summary = await handler({ time: new Date(NOW).toISOString() });

    expect(summary.failures).toEqual([]);
    expect(stack.slack.posts.length).toBe(summary.messages);
    expect(summary.messages).toBeGreaterThan(0);
    const payloads = stack.slack.posts.map((p) => p.body as Payload);
    const all = payloads.map(textOf).join('\n');

    // Four orders-api invocations failed with the same error: one alert with a count of 4.
    expect(summary.alerts).toBe(3);
    expect(all).toContain('*Count* 4  ·');

    // The stream link opens orders-api's stream 5 minutes either side of the first failure.
    const orders = sampleLogs(WINDOW.startMs).find((s) => s.logGroup === '/aws/lambda/orders-api')!;
    const firstError = orders.events.find((e) => e.message.includes('\tERROR\t'))!;
    const encodedStream = encodeURIComponent(orders.logStream).replace(/%/g, '$25');
    expect(all).toContain(
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Forders-api/log-events/${encodedStream}$3Fstart$3D${firstError.timestamp - 300_000}$26end$3D${firstError.timestamp + 300_000}`,
    );
    expect(all).toContain('#logsV2:logs-insights$3FqueryDetail$3D');

    // The structured line carries an X-Ray trace id: the alert links the trace.
    expect(all).toContain(`#xray:traces/${SAMPLE_TRACE_ID}`);

    // Log text tried to ping the channel and render a link: it is shown escaped, never as markup.
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://status.example');
    expect(all).toContain('&lt;!channel&gt;');

    // The connection blip is excluded by the rule; the quiet function never alerts.
    expect(all).not.toContain('ECONNRESET');
    expect(all).not.toContain('healthcheck');
    expect(all).toContain('apigw-5xx');
  });

  it('reads the webhook from SSM and never writes it to a log line', async () => {
    process.env.CONFIG_DIR = configDir(RULES);
    await stack.seed(sampleLogs(WINDOW.startMs));
    await handler({ time: new Date(NOW).toISOString() });
    expect(stack.calls().GetParameter).toBe(1);
    expect(logs.join('\n')).not.toContain(stack.slack.url);
    const summaryLine = JSON.parse(logs.find((l) => l.includes('scan complete'))!);
    expect(summaryLine).toMatchObject({ level: 'INFO', logGroups: 7, alerts: 3 });
    // The run's own count of CloudWatch Logs calls agrees with what the service saw.
    expect(summaryLine.apiCalls.calls).toEqual({
      DescribeLogGroups: stack.calls().DescribeLogGroups,
      FilterLogEvents: stack.calls().FilterLogEvents,
    });
  });

  it('covers a log group created after deployment without any config change', async () => {
    process.env.CONFIG_DIR = configDir(RULES);
    stack.emulator.seed('/aws/lambda/brand-new-function', '2026/11/23/[$LATEST]0001', [
      { timestamp: WINDOW.startMs + 1_000, message: '2026-11-23T11:55:01.000Z\tabc\tERROR\tnew function fails' },
    ]);
    const summary = await handler({ time: new Date(NOW).toISOString() });
    expect(summary.alerts).toBe(1);
    expect(JSON.stringify(stack.slack.posts[0]?.body)).toContain('$252Faws$252Flambda$252Fbrand-new-function');
  });

  it('leaves events outside the window to the runs that own them', async () => {
    process.env.CONFIG_DIR = configDir(RULES);
    stack.emulator.seed('/aws/lambda/orders-api', 's', [
      { timestamp: WINDOW.startMs - 1, message: 'x\ty\tERROR\tbefore the window' },
      { timestamp: WINDOW.endMs, message: 'x\ty\tERROR\tafter the window' },
    ]);
    const summary = await handler({ time: new Date(NOW).toISOString() });
    expect(summary.events).toBe(0);
    expect(stack.slack.posts).toHaveLength(0);
  });

  it('keeps scanning the good rules when a rule file has a broken rule, and reports where', async () => {
    process.env.CONFIG_DIR = configDir(`${RULES}
  - id: broken
    description: unbalanced group
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: '(unclosed'
`);
    await stack.seed(sampleLogs(WINDOW.startMs));
    const summary = await handler({ time: new Date(NOW).toISOString() });
    expect(summary.alerts).toBe(3);
    expect(summary.configProblems).toHaveLength(1);
    expect(summary.configProblems[0]).toMatch(/test\.yml:\d+:\d+: rule broken: .*regular expression/i);
  });
});
