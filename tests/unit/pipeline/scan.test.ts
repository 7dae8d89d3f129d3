import { DEFAULT_SETTINGS, type Config } from '../../../src/config/types';
import { scan } from '../../../src/scan';
import type { LogEvent, LogSource } from '../../../src/sources';
import { rule } from './rules';

/** An in-memory log store: the scan's only I/O is this interface. */
class MemorySource implements LogSource {
  reads: string[] = [];
  constructor(private readonly groups: Record<string, LogEvent[] | Error>) {}
  async resolveLogGroups(): Promise<string[]> {
    return Object.keys(this.groups);
  }
  async *readEvents(group: string, start: number, end: number): AsyncIterable<LogEvent[]> {
    this.reads.push(group);
    const events = this.groups[group];
    if (events instanceof Error) throw events;
    const inWindow = (events ?? []).filter((e) => e.timestamp >= start && e.timestamp < end);
    for (let i = 0; i < inWindow.length; i += 2) yield inWindow.slice(i, i + 2);
  }
}

const event = (logGroup: string, timestamp: number, message: string): LogEvent => ({
  logGroup, logStream: 'stream', timestamp, message, eventId: `${logGroup}-${timestamp}`,
});

const config = (rules: Config['rules']): Config => ({ settings: DEFAULT_SETTINGS, rules, problems: [] });

describe('scan', () => {
  it('reads each log group once for all the rules that target it', async () => {
    const source = new MemorySource({
      '/aws/lambda/a': [event('/aws/lambda/a', 10, 'ERROR x'), event('/aws/lambda/a', 11, 'Task timed out after 3.00 seconds')],
    });
    const result = await scan(
      config([rule({ id: 'errors', pattern: /ERROR/ }), rule({ id: 'timeouts', pattern: /timed out/ })]),
      source,
      { startMs: 0, endMs: 100 },
    );
    expect(source.reads).toEqual(['/aws/lambda/a']);
    expect(result.alerts.map((a) => a.rule.id)).toEqual(['errors', 'timeouts']);
  });

  it('keeps scanning the other log groups when one fails, and reports the failure', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: logs:FilterLogEvents'), { name: 'AccessDeniedException' });
    const source = new MemorySource({
      '/aws/lambda/a': denied,
      '/aws/lambda/b': [event('/aws/lambda/b', 10, 'ERROR boom')],
    });
    const result = await scan(config([rule({ id: 'errors' })]), source, { startMs: 0, endMs: 100 });
    expect(result.alerts).toHaveLength(1);
    expect(result.failures).toEqual([
      { logGroup: '/aws/lambda/a', error: 'AccessDeniedException: User is not authorized to perform: logs:FilterLogEvents' },
    ]);
  });

  it('only reads events inside the window, end excluded', async () => {
    const source = new MemorySource({
      '/aws/lambda/a': [event('/aws/lambda/a', 99, 'ERROR in'), event('/aws/lambda/a', 100, 'ERROR next window')],
    });
    const result = await scan(config([rule({ id: 'errors' })]), source, { startMs: 0, endMs: 100 });
    expect(result.events).toBe(1);
    expect(result.alerts[0]?.sample.message).toBe('ERROR in');
  });

  it('does not read log groups that no rule targets', async () => {
    const source = new MemorySource({ '/aws/lambda/a': [], '/aws/ecs/b': [] });
    await scan(config([rule({ id: 'errors', logGroups: ['/aws/lambda/*'] })]), source, { startMs: 0, endMs: 100 });
    expect(source.reads).toEqual(['/aws/lambda/a']);
  });
});
