/**
 * The deployed handler with `scale: { engine: insights }`: the real SDK client against the emulator's Logs
 * Insights (StartQuery / GetQueryResults), dynalite and the Slack receiver. The same seeded logs, read tick
 * after tick with `engine: filter` and with `engine: insights`, must post the same alerts; the Insights runs
 * must not call FilterLogEvents for rules that translate to a server filter.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/job';
import { errorLine, marker, MIN, startStatefulStack, T0, type StatefulStack } from './stateful-stack';

const STREAM = '2026/11/23/[$LATEST]0123456789abcdef';

const RULES = `
rules:
  - id: node-error
    description: Unhandled error in a Node.js handler
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: '\\tERROR\\t'
  - id: db-timeout
    description: Database timeouts
    severity: critical
    logGroups: ['/app/*']
    pattern: 'connection (timed out|refused)'
    flags: i
`;

interface Outcome {
  delivered: Map<string, number>;
  posts: number;
  summaries: RunSummary[];
}

/** Seeds the same logs into a fresh stack with `engine`, runs four ticks and returns what reached Slack. */
async function runTicks(engine: 'filter' | 'insights'): Promise<Outcome> {
  let s: StatefulStack | undefined;
  try {
    s = await startStatefulStack({
      rulesYaml: RULES,
      settingsYaml: `realertMinutes: 0\nscale:\n  engine: ${engine}\n`,
      // One line becomes searchable only after the tick that covers its timestamp: the overlap must catch it.
      emulator: { ingestionDelayMs: (e) => (e.message.includes('late') ? 4 * MIN : 0) },
    });
    const stack = s;
    const seed = (group: string, at: number, text: string) => stack.stack.emulator.seed(group, STREAM, [{ timestamp: at, message: text }]);
    s.clock.now = T0 - 10 * MIN;
    let n = 0;
    for (let g = 0; g < 6; g++) {
      const group = `/aws/lambda/fn-${g}`;
      seed(group, T0 - 3 * MIN + g, errorLine(T0 - 3 * MIN + g, `failure ${marker(n++)}`));
      seed(group, T0 - 2 * MIN + g, `${new Date(T0).toISOString()}\tINFO\tall good ${marker(900 + g)}`);
      seed(group, T0 + 2 * MIN + g, errorLine(T0 + 2 * MIN + g, `second failure ${marker(n++)}`));
    }
    seed('/app/orders', T0 - MIN, `db: Connection TIMED OUT after 5s ${marker(n++)}`);
    seed('/app/orders', T0 + 7 * MIN, `db: connection refused ${marker(n++)}`);
    seed('/app/orders', T0 + 7 * MIN + 1, `db: connection ok ${marker(901)}`);
    // Stamped 30 s before tick 0's window ends, searchable 4 minutes later.
    s.clock.now = T0 - 0.5 * MIN;
    seed('/aws/lambda/fn-0', T0 - 0.5 * MIN, errorLine(T0 - 0.5 * MIN, `late ${marker(n++)}`));
    for (let k = 0; k < 4; k++) await s.tick(k);
    return { delivered: s.delivered(), posts: s.deliveredPosts().length, summaries: s.summaries };
  } finally {
    await s?.close();
  }
}

describe('handler with the Logs Insights engine', () => {
  let logSpy: jest.SpyInstance;
  beforeEach(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => logSpy.mockRestore());

  it('posts the same alerts as the FilterLogEvents engine, through StartQuery / GetQueryResults only', async () => {
    const filter = await runTicks('filter');
    const insights = await runTicks('insights');

    expect(filter.summaries.flatMap((x) => x.configProblems)).toEqual([]);
    // 12 Lambda errors + 2 database lines + 1 late line, each posted once; the INFO / "ok" lines never.
    expect(filter.delivered.size).toBe(15);
    expect([...filter.delivered.values()]).toEqual(Array(15).fill(1));
    expect(insights.delivered).toEqual(filter.delivered);
    expect(insights.posts).toBe(filter.posts);
    const figures = (o: Outcome) => o.summaries.map((x) => ({ hits: x.hits, alerts: x.alerts, alreadySeen: x.alreadySeen, failures: x.failures, groupsBehind: x.groupsBehind }));
    expect(figures(insights)).toEqual(figures(filter));

    for (const x of filter.summaries) {
      expect(x.engine).toMatchObject({ engine: 'filter', forced: true });
      expect(x.apiCalls?.calls.FilterLogEvents).toBeGreaterThan(0);
      expect(x.apiCalls?.calls.StartQuery).toBeUndefined();
    }
    for (const x of insights.summaries) {
      expect(x.engine).toMatchObject({ engine: 'insights', forced: true, reason: 'engine: insights in settings' });
      expect(x.engine?.estimatedCalls.StartQuery).toBeGreaterThan(0);
      expect(x.apiCalls?.calls.StartQuery).toBeGreaterThan(0);
      expect(x.apiCalls?.calls.GetQueryResults).toBeGreaterThan(0);
      expect(x.apiCalls?.calls.FilterLogEvents ?? 0).toBe(0);
    }
    expect(insights.summaries.reduce((b, x) => b + (x.apiCalls?.stats.insightsBytesScanned ?? 0), 0)).toBeGreaterThan(0);
    // Groups that share a read window share a query: far fewer queries than group reads.
    expect(insights.summaries[1]!.apiCalls!.calls.StartQuery).toBeLessThan(insights.summaries[1]!.logGroups);

    // The run log line carries the engine decision.
    const line = JSON.parse(String(logSpy.mock.calls.at(-1)?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ message: 'scan complete', engine: { engine: 'insights' }, apiCalls: { calls: { StartQuery: expect.any(Number) } } });
  });

  it('does not count the cursor overlap again when a run switches engine (event ids differ between engines)', async () => {
    const s = await startStatefulStack({ rulesYaml: RULES, settingsYaml: 'realertMinutes: 0\nscale:\n  engine: filter\n' });
    try {
      // Inside tick 0's window and inside the overlap tick 1 reads again.
      s.stack.emulator.seed('/aws/lambda/orders', STREAM, [{ timestamp: T0 - MIN, message: errorLine(T0 - MIN, `boom ${marker(1)}`) }]);
      const first = await s.tick(0);
      expect(first.engine).toMatchObject({ engine: 'filter' });
      writeFileSync(join(process.env.CONFIG_DIR!, 'settings.yml'), 'realertMinutes: 0\nscale:\n  engine: insights\n');
      const second = await s.tick(1);
      expect(second.engine).toMatchObject({ engine: 'insights' });
      expect(second.alreadySeen).toBe(1);
      expect(second.alerts).toBe(0);
      expect(s.delivered()).toEqual(new Map([[marker(1), 1]]));
    } finally {
      await s.close();
    }
  });

  it('plans each run with the volume earlier runs read, not the setting\'s guess', async () => {
    const s = await startStatefulStack({ rulesYaml: RULES, settingsYaml: 'realertMinutes: 0\n' });
    try {
      const at = T0 - 2 * MIN;
      s.stack.emulator.seed('/aws/lambda/a', STREAM, [{ timestamp: at, message: `${'a'.repeat(999)}\n` }]);
      s.stack.emulator.seed('/aws/lambda/b', STREAM, [{ timestamp: at, message: `${'b'.repeat(2999)}\n` }]);
      const first = await s.tick(0);
      // Nothing measured yet: the setting (default 100 kB per group per window).
      expect(first.engine?.volume).toEqual({ bytesPerGroupPerWindow: 100_000, measured: false });
      expect(first.apiCalls?.stats.filterBytesRead).toBe(4000);
      const second = await s.tick(1);
      expect(second.engine?.volume).toEqual({ bytesPerGroupPerWindow: 2000, measured: true });
    } finally {
      await s.close();
    }
  });

  it('defaults to auto, which keeps a small account on FilterLogEvents', async () => {
    const s = await startStatefulStack({ rulesYaml: RULES, settingsYaml: 'realertMinutes: 0\n' });
    try {
      s.stack.emulator.seed('/aws/lambda/orders', STREAM, [{ timestamp: T0 - MIN, message: errorLine(T0 - MIN, `boom ${marker(1)}`) }]);
      const summary = await s.tick(0);
      expect(summary.engine).toMatchObject({ engine: 'filter', forced: false });
      expect(summary.apiCalls?.calls.StartQuery).toBeUndefined();
      expect(s.delivered()).toEqual(new Map([[marker(1), 1]]));
    } finally {
      await s.close();
    }
  });
});
