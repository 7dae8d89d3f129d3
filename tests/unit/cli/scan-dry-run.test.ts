import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { scanCommand } from '../../../src/cli/scan';

const LOGS = join(__dirname, '../../fixtures/logs');
const files = readdirSync(LOGS).map((f) => join(LOGS, f));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c) => (chunks.out += c));
  err.on('data', (c) => (chunks.err += c));
  const code = await scanCommand(args, out, err);
  return { code, ...chunks };
}

describe('scan --dry-run on local files', () => {
  it('prints the alerts and the exact Slack payloads as JSON, posting nothing', async () => {
    const { code, out } = await run(['--dry-run', '--source', `file:${files.join(',')}`, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.dryRun).toBe(true);
    const byRule = Object.fromEntries(report.alerts.map((a: { ruleId: string; count: number }) => [a.ruleId, a.count]));
    expect(byRule).toMatchObject({
      'lambda-timeout': 1,
      'lambda-out-of-memory': 1,
      'lambda-node-invoke-error': 4,
      'apigw-execution-5xx': 1,
      'apigw-access-5xx': 1,
    });
    // The ECONNRESET blip is excluded by the shipped rule; the healthy function never alerts.
    expect(JSON.stringify(report.alerts)).not.toContain('ECONNRESET');
    expect(report.alerts.some((a: { logGroups: string[] }) => a.logGroups.includes('/aws/lambda/healthcheck'))).toBe(false);
    expect(report.slack.length).toBe(report.summary.messages);
    expect(report.slack[0].blocks.length).toBeLessThanOrEqual(50);
  });

  it('prints readable text with counts and a closing summary', async () => {
    const { code, out } = await run(['--source', `file:${files.join(',')}`]);
    expect(code).toBe(0);
    expect(out).toContain('CRITICAL: lambda-timeout');
    expect(out).toMatch(/Scanned 8 log groups, 71 events \(\d+ events\/s\) with \d+ rules: \d+ hits, 7 alerts, \d+ Slack messages? shown\./);
  });

  it('rejects an unknown source kind with a usage error', async () => {
    await expect(run(['--source', 's3://bucket/key'])).rejects.toThrow('--source must look like file:PATH');
  });
});
