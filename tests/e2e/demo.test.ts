/**
 * `npm start` is the first thing a new user runs: the demo script, as a separate process, must run the
 * handler with the shipped config and show the Slack messages the local webhook received.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('npm start (the demo)', () => {
  it('posts the shipped rules\' alerts to the local Slack receiver and prints them', () => {
    const root = join(__dirname, '../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/demo.ts')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/ParameterNotFound|Error:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/--- Slack message 1 of \d+ \(received by the local webhook\) ---/);
    for (const rule of ['lambda-timeout', 'lambda-out-of-memory', 'lambda-node-invoke-error']) expect(run.stdout).toContain(rule);
    // The API Gateway execution and access 5xx of one request arrive as one incident.
    expect(run.stdout).toContain('2 alerts share one request');
    expect(run.stdout).toMatch(/Scanned 8 log groups, 71 events .* → \d+ alerts → \d+ Slack messages?\./);
  }, 90_000);
});
