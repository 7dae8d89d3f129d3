/**
 * The scheduled handler with its state table, run tick after tick: the real SDK clients against the
 * CloudWatch Logs emulator and dynalite, the real webhook client against the Slack receiver.
 */
import { ERROR_RULES, errorLine, marker, MIN, startStatefulStack, T0, type StatefulStack } from './stateful-stack';

const STREAM = '2026/11/23/[$LATEST]0123456789abcdef';

describe('scheduled handler with state', () => {
  let s: StatefulStack | undefined;
  let logSpy: jest.SpyInstance;
  beforeEach(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    logSpy.mockRestore();
    await s?.close();
    s = undefined;
  });

  const seed = (group: string, at: number, text: string) =>
    s!.stack.emulator.seed(group, STREAM, [{ timestamp: at, message: errorLine(at, text) }]);

  it('posts a hit once, suppresses it next tick, and reposts after the realert window with "N more since"', async () => {
    s = await startStatefulStack({ rulesYaml: ERROR_RULES, settingsYaml: 'realertMinutes: 10\n' });
    seed('/aws/lambda/orders', T0 - MIN, 'payment declined');
    const first = await s.tick(0);
    expect(first).toMatchObject({ lease: 'acquired', alerts: 1, failures: [], stateErrors: [] });
    expect(s.deliveredPosts()).toHaveLength(1);
    expect(s.deliveredPosts()[0]!.rawBody).toContain('*Count* 1');

    seed('/aws/lambda/orders', T0 + MIN, 'payment declined');
    seed('/aws/lambda/orders', T0 + 2 * MIN, 'payment declined');
    const second = await s.tick(1);
    expect(second).toMatchObject({ alerts: 0, suppressed: 2, cursorsAdvanced: 1 });
    expect(s.deliveredPosts()).toHaveLength(1);

    seed('/aws/lambda/orders', T0 + 6 * MIN, 'payment declined');
    await s.tick(2);
    expect(s.deliveredPosts()).toHaveLength(2);
    expect(s.deliveredPosts()[1]!.rawBody).toContain('*Still happening:* 2 more since 2026-11-23T12:02:30Z');

    // The one JSON line per run carries the state figures.
    const line = JSON.parse(String(logSpy.mock.calls.at(-1)?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ message: 'scan complete', level: 'INFO', cursorsAdvanced: 1, groupsBehind: 0, pending: 0, suppressed: 0 });
  });

  it('alerts a late-ingested event once, through the overlap', async () => {
    s = await startStatefulStack({
      rulesYaml: ERROR_RULES,
      settingsYaml: 'realertMinutes: 0\n',
      emulator: { ingestionDelayMs: (e) => (e.message.includes('late') ? 4 * MIN : 0) },
    });
    // Stamped 30 s before tick 0's window ends, searchable 4 minutes later: after tick 0 ran.
    s.clock.now = T0 - 0.5 * MIN;
    seed('/aws/lambda/orders', T0 - 0.5 * MIN, `late ${marker(1)}`);
    seed('/aws/lambda/orders', T0 - 0.6 * MIN, `on time ${marker(2)}`);
    const first = await s.tick(0);
    expect(first.hits).toBe(1);
    expect(s.delivered()).toEqual(new Map([[marker(2), 1]]));
    const second = await s.tick(1);
    expect(second).toMatchObject({ hits: 1, alreadySeen: 1 });
    await s.tick(2);
    expect(s.delivered()).toEqual(new Map([[marker(1), 1], [marker(2), 1]]));
  });

  it('scans what it can when almost no time is left; the next run continues and nothing is lost', async () => {
    s = await startStatefulStack({ rulesYaml: ERROR_RULES, settingsYaml: 'realertMinutes: 0\n' });
    for (let i = 0; i < 30; i++) seed(`/aws/lambda/fn-${String(i).padStart(2, '0')}`, T0 - 2 * MIN, `failure ${marker(i)}`);
    s.stack.emulator.faults.set('FilterLogEvents', { latencyMs: 100 });
    const short = await s.tick(0, { remainingMs: 1_500 });
    expect(short.durationMs).toBeLessThan(1_500); // finished inside the Lambda's remaining time
    expect(short.stoppedEarly).toBe(true);
    expect(short.groupsNotScanned).toBeGreaterThan(0);
    expect(short.groupsBehind).toBeGreaterThan(0);
    const firstRun = s.delivered().size;
    expect(firstRun).toBeGreaterThan(0);
    expect(firstRun).toBeLessThan(30);
    s.stack.emulator.faults.clear();
    const next = await s.tick(1);
    expect(next).toMatchObject({ groupsBehind: 0, failures: [] });
    expect([...s.delivered().values()]).toEqual(Array(30).fill(1));
  });

  it('posts each alert exactly once when two invocations run in parallel', async () => {
    s = await startStatefulStack({ rulesYaml: ERROR_RULES, settingsYaml: 'realertMinutes: 0\n' });
    for (let i = 0; i < 5; i++) seed(`/aws/lambda/fn-${i}`, T0 - MIN, `failure ${marker(i)}`);
    const pair = await Promise.all([s.tick(0), s.tick(0)]);
    expect(pair.map((x) => x.lease).sort()).toEqual(['acquired', 'held-elsewhere']);
    for (let i = 5; i < 10; i++) seed(`/aws/lambda/fn-${i}`, T0 + MIN, `failure ${marker(i)}`);
    await Promise.all([s.tick(1), s.tick(1)]);
    await s.tick(2);
    expect([...s.delivered().values()]).toEqual(Array(10).fill(1));
  });

  it('keeps a payload Slack refuses past its retries as pending and delivers it next run, once', async () => {
    s = await startStatefulStack({
      rulesYaml: ERROR_RULES,
      settingsYaml: 'realertMinutes: 0\n',
      handler: { slack: { maxAttempts: 2, baseDelayMs: 20 } },
    });
    for (let i = 0; i < 3; i++) seed('/aws/lambda/orders', T0 - MIN + i, `failure ${marker(i)}`);
    s.stack.slack.respondNext([{ status: 500 }, { status: 500 }]);
    const failed = await s.tick(0);
    expect(failed).toMatchObject({ alerts: 3, pending: 1, cursorsAdvanced: 1 });
    expect(s.delivered().size).toBe(0);
    const next = await s.tick(1);
    expect(next).toMatchObject({ pendingDelivered: 1, pending: 0, alerts: 0 });
    await s.tick(2);
    expect(s.delivered()).toEqual(new Map([0, 1, 2].map((i) => [marker(i), 1])));
    expect(s.stack.slack.posts).toHaveLength(3); // two refused attempts, one delivery
  });
});
