/**
 * The deployed handler, end to end: channels.yml routing (each channel's webhook read from its own SSM
 * parameter) and run-time variables from lambda:GetFunctionConfiguration for the Lambda pack's `when:`.
 */
import { startSlackReceiver, type SlackReceiver } from '../support/slack-receiver';
import { marker, MIN, startStatefulStack, T0, type StatefulStack } from './stateful-stack';

const STREAM = '2026/11/23/[$LATEST]0123456789abcdef';
const ONCALL_PARAM = '/cloudwatch-log-alerts/test/slack-oncall-webhook-url';

const CHANNELS = `
default: /cloudwatch-log-alerts/\${stage}/slack-webhook-url
severities:
  critical: oncall
channels:
  oncall: /cloudwatch-log-alerts/\${stage}/slack-oncall-webhook-url
`;

const RULES = `
rules:
  - id: payment-fatal
    description: The payment service gave up
    severity: critical
    logGroups: ['/aws/lambda/payments']
    pattern: '\\tFATAL\\t'
  - id: node-error
    description: Unhandled error in a Node.js handler
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: '\\tERROR\\t'
`;

/** Lambda's line shape with its own request id per line: lines sharing one would correlate into one incident. */
let requests = 0;
const line = (at: number, level: string, text: string) =>
  `${new Date(at).toISOString()}\t0c1d2e3f-0000-4000-8000-${String(++requests).padStart(12, '0')}\t${level}\t${text}`;

const report = (at: number, durationMs: number) =>
  `REPORT RequestId: 0c1d2e3f-0000-4000-8000-00000000${String(durationMs).padStart(4, '0')}\tDuration: ${durationMs}.00 ms\tBilled Duration: ${durationMs} ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t`;

describe('handler with channels.yml and run-time variables', () => {
  let s: StatefulStack | undefined;
  let oncall: SlackReceiver | undefined;
  let logSpy: jest.SpyInstance;
  beforeEach(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    logSpy.mockRestore();
    await s?.close();
    await oncall?.close();
    s = undefined;
    oncall = undefined;
  });

  const delivered = (r: SlackReceiver) => r.posts.filter((p) => p.response?.status === 200);
  const markers = (r: SlackReceiver) => delivered(r).flatMap((p) => [...new Set(p.rawBody.match(/\bmk[a-z]+q\b/g) ?? [])]).sort();

  it('sends each alert to the webhook of its channel: critical to on-call, warning to the default', async () => {
    s = await startStatefulStack({ rulesYaml: RULES, channelsYaml: CHANNELS, stage: 'test' });
    oncall = await startSlackReceiver('/services/T00000000/B11111111/ONCALLONCALLONCALLONCALL');
    s.stack.emulator.putParameter(ONCALL_PARAM, oncall.url, 'SecureString');
    const seed = (group: string, at: number, level: string, text: string) =>
      s!.stack.emulator.seed(group, STREAM, [{ timestamp: at, message: line(at, level, text) }]);
    seed('/aws/lambda/payments', T0 - 2 * MIN, 'FATAL', `ledger unreachable ${marker(1)}`);
    seed('/aws/lambda/orders', T0 - MIN, 'ERROR', `cart lookup failed ${marker(2)}`);
    seed('/aws/lambda/payments', T0 - MIN, 'ERROR', `retrying ${marker(3)}`);

    const summary = await s.tick(0);
    expect(summary).toMatchObject({ lease: 'acquired', alerts: 3, failures: [], stateErrors: [], pending: 0 });
    expect(markers(oncall)).toEqual([marker(1)]);
    expect(markers(s.stack.slack)).toEqual([marker(2), marker(3)].sort());
    // Each webhook URL was read once from its own parameter.
    expect(s.stack.calls().GetParameter).toBe(2);
  });

  it('keeps a pending payload on its channel: an undelivered on-call alert goes to on-call next run', async () => {
    s = await startStatefulStack({ rulesYaml: RULES, channelsYaml: CHANNELS, stage: 'test', handler: { slack: { maxAttempts: 1 } } });
    oncall = await startSlackReceiver('/services/T00000000/B11111111/ONCALLONCALLONCALLONCALL');
    s.stack.emulator.putParameter(ONCALL_PARAM, oncall.url, 'SecureString');
    oncall.respondNext([{ status: 500, body: 'internal_error' }]);
    const at = T0 - MIN;
    s.stack.emulator.seed('/aws/lambda/payments', STREAM, [{ timestamp: at, message: line(at, 'FATAL', `down ${marker(7)}`) }]);
    s.stack.emulator.seed('/aws/lambda/orders', STREAM, [{ timestamp: at, message: line(at, 'ERROR', `oops ${marker(8)}`) }]);
    const first = await s.tick(0);
    expect(first.pending).toBe(1);
    // The on-call webhook failing did not stop the default channel.
    expect(markers(s.stack.slack)).toEqual([marker(8)]);
    const second = await s.tick(1);
    expect(second).toMatchObject({ pendingDelivered: 1, pending: 0 });
    expect(markers(oncall)).toEqual([marker(7)]);
    expect(markers(s.stack.slack)).toEqual([marker(8)]);
  });

  it('says in the run log line why posts fail when channels.yml uses ${stage} but STAGE is not set', async () => {
    s = await startStatefulStack({ rulesYaml: RULES, channelsYaml: CHANNELS });
    const at = T0 - MIN;
    s.stack.emulator.seed('/aws/lambda/orders', STREAM, [{ timestamp: at, message: line(at, 'ERROR', `oops ${marker(9)}`) }]);
    const summary = await s.tick(0);
    // The alert is not lost: it waits in the pending queue for a run that can post it.
    expect(summary.pending).toBe(1);
    expect(summary.configProblems.map((p) => p.replace(/^.*channels\.yml:/, 'channels.yml:'))).toEqual([
      "channels.yml:2:10: default uses ${stage}, but no stage is set (the STAGE environment variable): parameter '/cloudwatch-log-alerts/${stage}/slack-webhook-url' cannot exist",
      "channels.yml:6:11: channels.oncall uses ${stage}, but no stage is set (the STAGE environment variable): parameter '/cloudwatch-log-alerts/${stage}/slack-oncall-webhook-url' cannot exist",
    ]);
    const logLine = JSON.parse(String(logSpy.mock.calls.at(-1)?.[0])) as { level: string };
    expect(logLine.level).toBe('WARN');
  });

  it('alerts near the timeout using the function Timeout from GetFunctionConfiguration', async () => {
    s = await startStatefulStack({ rulesYaml: 'include: packs/lambda\n', packs: ['lambda'] });
    s.stack.emulator.putFunction('slow-fn', { timeout: 3, memorySize: 128 });
    s.stack.emulator.putFunction('fast-fn', { timeout: 3, memorySize: 128 });
    s.stack.emulator.seed('/aws/lambda/slow-fn', STREAM, [{ timestamp: T0 - MIN, message: report(T0, 2600) }]);
    s.stack.emulator.seed('/aws/lambda/fast-fn', STREAM, [{ timestamp: T0 - MIN, message: report(T0, 1000) }]);
    // A deleted function: its near-timeout rule cannot be evaluated; recorded, nothing fails.
    s.stack.emulator.seed('/aws/lambda/deleted-fn', STREAM, [{ timestamp: T0 - MIN, message: report(T0, 2900) }]);

    const summary = await s.tick(0);
    expect(summary).toMatchObject({ lease: 'acquired', alerts: 1, failures: [], stateErrors: [] });
    expect(summary.variableFailures).toEqual([{ logGroup: '/aws/lambda/deleted-fn', error: expect.stringMatching(/ResourceNotFoundException/) }]);
    const posts = s.deliveredPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.rawBody).toContain('lambda-duration-near-timeout');
    expect(posts[0]!.rawBody).toContain('slow-fn');
    expect(posts[0]!.rawBody).not.toContain('fast-fn');
    expect(s.stack.calls().GetFunctionConfiguration).toBe(3);

    // Warm container: the next run reuses the cached configurations (the failed one is asked again).
    await s.tick(1);
    expect(s.stack.calls().GetFunctionConfiguration).toBe(4);
  });
});
