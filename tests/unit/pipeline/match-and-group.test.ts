import { groupHits } from '../../../src/dedup';
import { matchEvent } from '../../../src/matching';
import type { LogEvent } from '../../../src/sources';
import { rule } from './rules';

let seq = 0;
const ev = (message: string, over: Partial<LogEvent> = {}): LogEvent => ({
  logGroup: '/aws/lambda/orders',
  logStream: '2024/05/01/[$LATEST]abc',
  timestamp: 1_714_564_800_000 + seq,
  eventId: String(seq++).padStart(8, '0'),
  message,
  ...over,
});

describe('matchEvent', () => {
  it('drops a line that an exclude pattern matches, even though the pattern matched', () => {
    const r = rule({ id: 'errors', pattern: /ERROR/, exclude: [/ECONNRESET/] });
    expect(matchEvent([r], ev('ERROR\tError: read ECONNRESET'))).toEqual([]);
    expect(matchEvent([r], ev('ERROR\tError: boom'))).toHaveLength(1);
  });

  it('returns the named captures of the pattern', () => {
    const r = rule({ id: 'report', pattern: /Duration: (?<duration>[\d.]+) ms(?:.*Init Duration: (?<init>[\d.]+))?/ });
    const [hit] = matchEvent([r], ev('REPORT RequestId: x\tDuration: 2.25 ms\tBilled Duration: 3 ms'));
    expect(hit?.captures).toEqual({ duration: '2.25' });
  });

  it('reports a hit per matching rule so each rule alerts on its own', () => {
    const a = rule({ id: 'a', pattern: /timed out/ });
    const b = rule({ id: 'b', pattern: /Task/ });
    expect(matchEvent([a, b], ev('Task timed out after 3.00 seconds')).map((h) => h.rule.id)).toEqual(['a', 'b']);
  });
});

describe('groupHits', () => {
  it('folds the same error with different request ids into one alert with a count and time range', () => {
    const r = rule({ id: 'errors' });
    const events = [
      ev('2024-05-01T12:00:00.000Z\t0f1e2d3c-aaaa-4bbb-8ccc-111111111111\tERROR\tcannot reach db after 3 retries', { timestamp: 2_000, logStream: 's2' }),
      ev('2024-05-01T12:00:01.000Z\t9a8b7c6d-aaaa-4bbb-8ccc-222222222222\tERROR\tcannot reach db after 5 retries', { timestamp: 1_000, logStream: 's1' }),
      ev('2024-05-01T12:00:02.000Z\t11111111-aaaa-4bbb-8ccc-333333333333\tERROR\tcannot reach db after 7 retries', { timestamp: 3_000, logStream: 's1', logGroup: '/aws/lambda/billing' }),
    ];
    const alerts = groupHits(events.flatMap((e) => matchEvent([r], e)));
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.count).toBe(3);
    expect(alert?.firstSeen).toBe(1_000);
    expect(alert?.lastSeen).toBe(3_000);
    // The earliest hit is the one the console link lands on.
    expect(alert?.sample.logStream).toBe('s1');
    expect(alert?.sample.timestamp).toBe(1_000);
    expect(alert?.logGroups).toEqual(['/aws/lambda/billing', '/aws/lambda/orders']);
    expect(alert?.streams).toHaveLength(3);
  });

  it('keeps different errors and different rules apart', () => {
    const errors = rule({ id: 'errors' });
    const timeouts = rule({ id: 'timeouts', pattern: /timed out/ });
    const alerts = groupHits([
      ...matchEvent([errors, timeouts], ev('ERROR connection refused')),
      ...matchEvent([errors, timeouts], ev('ERROR permission denied')),
      ...matchEvent([errors, timeouts], ev('ERROR Task timed out after 3.00 seconds')),
    ]);
    expect(alerts.map((a) => `${a.rule.id}:${a.count}`)).toEqual(['errors:1', 'errors:1', 'errors:1', 'timeouts:1']);
  });
});
