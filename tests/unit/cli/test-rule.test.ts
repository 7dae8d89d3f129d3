import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { testRuleCommand, type TestRuleDeps } from '../../../src/cli/test-rule';
import { awsEnvFor, startCloudWatchLogsEmulator } from '../../support/cloudwatch-logs-emulator';

const REQ = '3b5c6e2f-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const NOW = Date.parse('2024-05-01T12:30:00Z');
const LAMBDA_RULES = path.join(__dirname, '../../../config/rules/lambda.yml');

const SAMPLE = [
  `2024-05-01T12:00:03.005Z ${REQ} Task timed out after 3.00 seconds`,
  `2024-05-01T12:00:04.005Z 9b5c6e2f-1d2e-4f5a-8b9c-0d1e2f3a4b5c Task timed out after 6.00 seconds`,
  `2024-05-01T12:00:05.000Z\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"read ECONNRESET","stack":["Error: read ECONNRESET"]}`,
  `REPORT RequestId: ${REQ}\tDuration: 2950.12 ms\tBilled Duration: 2951 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t`,
  '{"level":"WARN","message":"slow"}',
  '',
  `START RequestId: ${REQ} Version: $LATEST`,
].join('\n');

let dir: string;
let input: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cwla-test-rule-'));
  input = path.join(dir, 'orders.log');
  writeFileSync(input, `${SAMPLE}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], deps: TestRuleDeps = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c) => (chunks.out += c));
  err.on('data', (c) => (chunks.err += c));
  const code = await testRuleCommand(args, out, err, { now: () => NOW, ...deps });
  return { code, ...chunks };
}

describe('test-rule', () => {
  it('shows matches with fingerprint and captures, exclusions, the alert that would be sent and a summary', async () => {
    const { code, out, err } = await run(['--rule', `${LAMBDA_RULES}#lambda-timeout`, '--input', input, '--log-group', '/aws/lambda/orders']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`Testing rule lambda-timeout from ${LAMBDA_RULES} on ${input} (as log group /aws/lambda/orders)`);
    expect(out).toContain(
      [
        `line 1: 2024-05-01T12:00:03.005Z ${REQ} Task timed out after 3.00 seconds`,
        '  MATCH lambda-timeout',
        '    fingerprint: Task timed out after <*> seconds',
        '    captures: seconds="3.00"',
        `line 2: 2024-05-01T12:00:04.005Z 9b5c6e2f-1d2e-4f5a-8b9c-0d1e2f3a4b5c Task timed out after 6.00 seconds`,
        '  MATCH lambda-timeout',
        '    fingerprint: Task timed out after <*> seconds',
        '    captures: seconds="6.00"',
      ].join('\n'),
    );
    // Both lines fold into one alert, rendered as Slack would show it.
    expect(out).toContain('--- Slack message 1 of 1 (would be sent; not posted) ---\n== 🔴 CRITICAL: lambda-timeout ==');
    expect(out).toContain('*Count* 2');
    expect(lines.at(-2)).toBe('Summary: 6 lines read, 2 matched (2 hits), 0 excluded, 0 rejected by fields/when, 1 alert in 1 Slack message (not posted).');
  });

  it('says which exclude dropped a line and why fields/when rejected one; --vars supplies run-time variables', async () => {
    const { out } = await run(['--rule', LAMBDA_RULES, '--input', input, '--vars', 'timeoutMs=3000']);
    expect(out).toContain(`  EXCLUDED lambda-node-invoke-error: by exclude[0] /"errorMessage":"read ECONNRESET"/`);
    expect(out).toContain('  NO (when) lambda-memory-pressure: maxMemoryUsed >= 0.8 * memorySize && maxMemoryUsed < memorySize is false (maxMemoryUsed=67, memorySize=128)');
    expect(out).toContain(`  NO (fields) lambda-structured-error: field 'level' is "WARN", not /^(?:ERROR|CRITICAL|FATAL)$/i`);
    expect(out).toContain('  MATCH lambda-duration-near-timeout\n    fingerprint: ');
    expect(out).toContain('    captures: duration="2950.12"');
    expect(out.split('\n').at(-2)).toBe('Summary: 6 lines read, 3 matched (3 hits), 1 excluded, 3 rejected by fields/when, 2 alerts in 1 Slack message (not posted).');
    const without = await run(['--rule', `${LAMBDA_RULES}#lambda-duration-near-timeout`, '--input', input]);
    expect(without.out).toContain('  SKIPPED (when) lambda-duration-near-timeout: when not evaluated: timeoutMs has no value (pass --vars timeoutMs=...)');
  });

  it('prints JSON with --format json', async () => {
    const { code, out } = await run(['--rule', `${LAMBDA_RULES}#lambda-timeout`, '--input', input, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.rules).toEqual(['lambda-timeout']);
    expect(report.summary).toEqual({ linesRead: 6, matchedLines: 2, hits: 2, excluded: 0, failedConditions: 0, alerts: 1, messages: 1 });
    expect(report.lines[0]).toEqual({
      line: 1,
      logGroup: 'orders',
      message: `2024-05-01T12:00:03.005Z ${REQ} Task timed out after 3.00 seconds`,
      results: [{ ruleId: 'lambda-timeout', outcome: 'hit', fingerprint: 'Task timed out after <*> seconds', captures: { seconds: '3.00' } }],
    });
    expect(report.alerts).toEqual([expect.objectContaining({ ruleId: 'lambda-timeout', count: 2, fingerprint: 'Task timed out after <*> seconds' })]);
    expect(report.slack[0].text).toContain('lambda-timeout');
  });

  it('reads multi-line events from escaped lines', async () => {
    const file = path.join(dir, 'python.log');
    writeFileSync(file, `[ERROR] KeyError: 'order_id'\\nTraceback (most recent call last):\\n  File "/var/task/app.py", line 12, in handler\n`);
    const { out } = await run(['--rule', `${LAMBDA_RULES}#lambda-python-error`, '--input', file, '--escaped']);
    expect(out).toContain(`line 1: [ERROR] KeyError: 'order_id'\\nTraceback (most recent call last):\\n  File "/var/task/app.py", line 12, in handler\n  MATCH lambda-python-error`);
    expect(out).toContain('    captures: exception="KeyError"');
  });

  it('prints the problems of a rule file that does not validate, and exits 1', async () => {
    const bad = path.join(dir, 'rules', 'bad.yml');
    require('node:fs').mkdirSync(path.dirname(bad), { recursive: true });
    writeFileSync(bad, `rules:\n  - id: bad\n    description: d\n    severity: warning\n    logGroups: ['x']\n    pattern: '(\\w+\\s?)+$'\n`);
    const { code, out, err } = await run(['--rule', bad, '--input', input]);
    expect(code).toBe(1);
    expect(out).toBe('');
    const rel = path.relative(process.cwd(), bad);
    expect(err.split('\n')).toEqual([
      `${rel}:6:14: rule bad: pattern may backtrack catastrophically (nested quantifier at "(\\w+\\s?)+"); make the repeated part unable to match the same text in two ways, e.g. write (\\w+\\s?)+ as \\w+(?:\\s\\w+)*, or drop the inner quantifier`,
      `${bad}: 1 problem; fix it before testing`,
      '',
    ]);
  });

  it('names the rules there are when #id is wrong, and rejects bad usage', async () => {
    const { code, err } = await run(['--rule', `${LAMBDA_RULES}#lambda-timout`, '--input', input]);
    expect(code).toBe(1);
    expect(err).toMatch(/^.*lambda\.yml: no rule 'lambda-timout' \(rules: lambda-timeout, lambda-out-of-memory, /);
    await expect(run(['--rule', LAMBDA_RULES])).rejects.toThrow('give --input FILE (offline) or --log-group NAME (CloudWatch)');
    await expect(run(['--input', input])).rejects.toThrow('--rule FILE[#RULE_ID] is required');
    await expect(run(['--rule', LAMBDA_RULES, '--input', input, '--since', '1h'])).rejects.toThrow('--since applies to --log-group only');
    await expect(run(['--rule', LAMBDA_RULES, '--input', input, '--vars', 'timeoutMs'])).rejects.toThrow('--vars wants name=value pairs');
  });

  it('reads a live log group from CloudWatch (emulated here), over --since', async () => {
    const emulator = await startCloudWatchLogsEmulator();
    const saved = { ...process.env };
    try {
      Object.assign(process.env, awsEnvFor(emulator));
      emulator.seed('/aws/lambda/orders', '2024/05/01/[$LATEST]abc', [
        { timestamp: NOW - 60_000, message: `2024-05-01T12:29:00.000Z ${REQ} Task timed out after 3.00 seconds\n` },
        { timestamp: NOW - 30_000, message: `START RequestId: ${REQ} Version: $LATEST\n` },
        // Outside --since 10m:
        { timestamp: NOW - 3_600_000, message: `2024-05-01T11:30:00.000Z ${REQ} Task timed out after 3.00 seconds\n` },
      ]);
      const { code, out, err } = await run(['--rule', `${LAMBDA_RULES}#lambda-timeout`, '--log-group', '/aws/lambda/orders', '--since', '10m']);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe(`Testing rule lambda-timeout from ${LAMBDA_RULES} on /aws/lambda/orders in us-east-1, last 10m`);
      expect(out).toContain('  MATCH lambda-timeout\n    fingerprint: Task timed out after <*> seconds');
      expect(out).toContain('Summary: 2 lines read, 1 matched (1 hit), 0 excluded, 0 rejected by fields/when, 1 alert in 1 Slack message (not posted).');
    } finally {
      process.env = saved;
      await emulator.close();
    }
  });
});
