import { compileCondition } from '../../../src/config';
import type { Rule } from '../../../src/config/types';
import { explainEvent, MATCH_HEAD_CHARS, matchEvent, matchEvents, RuleBudget } from '../../../src/matching';
import type { LogEvent } from '../../../src/sources';
import { rule } from '../pipeline/rules';

let seq = 0;
const ev = (message: string): LogEvent => ({ logGroup: '/aws/lambda/orders', logStream: 's', timestamp: 1_714_564_800_000, eventId: String(seq++), message });

const JSON_LINE = /^\s*\{/;
const powertools = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 'ERROR', message: 'Payment failed', service: 'checkout', error: { type: 'TimeoutError', code: 504 }, tenant: { id: 'acme' }, durationMs: 1234, ...over });

describe('fields on JSON lines', () => {
  const errors = rule({ id: 'json', pattern: JSON_LINE, fields: [{ path: 'level', equals: 'ERROR' }, { path: 'error.type', matches: /Timeout/ }] });

  it('matches when every condition holds, on dotted paths', () => {
    expect(matchEvent([errors], ev(powertools()))).toHaveLength(1);
    expect(matchEvent([errors], ev(`${powertools()}\n`))).toHaveLength(1);
  });

  it('fails a condition that does not hold, a missing field, and a line that is not a JSON object', () => {
    expect(explainEvent([errors], ev(powertools({ level: 'WARN' })))).toEqual([{ kind: 'fields-failed', reason: `field 'level' is "WARN", not "ERROR"` }]);
    expect(explainEvent([errors], ev(powertools({ error: {} })))).toEqual([{ kind: 'fields-failed', reason: `field 'error.type' is missing` }]);
    const textLine = rule({ id: 'text', pattern: /ERROR/, fields: [{ path: 'level', equals: 'ERROR' }] });
    expect(explainEvent([textLine], ev('2024-05-01T12:00:00.000Z\tabc\tERROR\tboom'))).toEqual([{ kind: 'fields-failed', reason: 'the line is not a JSON object' }]);
    expect(explainEvent([errors], ev('[{"level":"ERROR"}]'))).toEqual([{ kind: 'no-match' }]);
    expect(explainEvent([errors], ev('{"level": "ERROR", broken'))).toEqual([{ kind: 'fields-failed', reason: 'the line is not a JSON object' }]);
  });

  it('compares numbers and booleans as text, and accepts any of a list', () => {
    const r = rule({ id: 'status', pattern: JSON_LINE, fields: [{ path: 'error.code', anyOf: [{ equals: '502' }, { matches: /^50[34]$/ }] }] });
    expect(matchEvent([r], ev(powertools()))).toHaveLength(1);
    expect(matchEvent([r], ev(powertools({ error: { code: 500 } })))).toEqual([]);
    const flag = rule({ id: 'flag', pattern: JSON_LINE, fields: [{ path: 'cold', equals: 'true' }] });
    expect(matchEvent([flag], ev(powertools({ cold: true })))).toHaveLength(1);
    expect(matchEvent([flag], ev(powertools({ cold: 'true' })))).toHaveLength(1);
  });

  it('reads own properties only: a path cannot reach the prototype', () => {
    const r = rule({ id: 'proto', pattern: JSON_LINE, fields: [{ path: 'constructor.name', equals: 'Object' }] });
    expect(matchEvent([r], ev(powertools()))).toEqual([]);
  });

  it('parses a line at most once however many rules read fields, and not at all when none do', () => {
    const spy = jest.spyOn(JSON, 'parse');
    try {
      const many = Array.from({ length: 5 }, (_, i) => rule({ id: `r${i}`, pattern: JSON_LINE, fields: [{ path: 'level', equals: 'ERROR' }] }));
      expect(matchEvent(many, ev(powertools()))).toHaveLength(5);
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockClear();
      matchEvent([rule({ id: 'plain', pattern: /ERROR/ })], ev(powertools()));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('when and groupBy', () => {
  const report = 'REPORT RequestId: 3b5c6e2f\tDuration: 2950.12 ms\tBilled Duration: 2951 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t';
  const nearTimeout = rule({ id: 'near', pattern: /^REPORT RequestId: \S+\s+Duration: (?<duration>[\d.]+) ms/, when: compileCondition('duration >= 0.8 * timeoutMs') });

  it('keeps the two-argument call working', () => {
    expect(matchEvent([nearTimeout], ev(report))).toEqual([]);
  });

  it('evaluates over captures and the caller’s run-time variables', () => {
    expect(matchEvent([nearTimeout], ev(report), { vars: { timeoutMs: 3000 } })).toHaveLength(1);
    expect(matchEvent([nearTimeout], ev(report), { vars: { timeoutMs: 10_000 } })).toEqual([]);
  });

  it('explains why a line did not fire', () => {
    expect(explainEvent([nearTimeout], ev(report))).toEqual([{ kind: 'when-skipped', missing: 'timeoutMs' }]);
    expect(explainEvent([nearTimeout], ev(report), { vars: { timeoutMs: 10_000 } })).toEqual([
      { kind: 'when-false', reason: 'duration >= 0.8 * timeoutMs is false (duration=2950.12, timeoutMs=10000)' },
    ]);
  });

  it('reads JSON fields in when for rules with fields', () => {
    const slow = rule({ id: 'slow', pattern: JSON_LINE, fields: [{ path: 'level', equals: 'ERROR' }], when: compileCondition('durationMs > 1000 && error.code >= 500') });
    expect(matchEvent([slow], ev(powertools()))).toHaveLength(1);
    expect(matchEvent([slow], ev(powertools({ durationMs: 10 })))).toEqual([]);
  });

  it('puts groupBy values on the hit, from captures or fields', () => {
    const byStatus = rule({ id: 'by-status', pattern: /status: (?<status>5\d\d)/, groupBy: ['status'] });
    expect(matchEvent([byStatus], ev('Method completed with status: 502'))[0]).toMatchObject({ groupKey: 'status=502', groupValues: { status: '502' } });
    const byTenant = rule({ id: 'by-tenant', pattern: JSON_LINE, fields: [{ path: 'level', equals: 'ERROR' }], groupBy: ['tenant.id', 'region'] });
    expect(matchEvent([byTenant], ev(powertools()))[0]).toMatchObject({ groupKey: 'tenant.id=acme, region=', groupValues: { 'tenant.id': 'acme', region: '' } });
  });

  it('checks exclude last, so test-rule can say which exclude dropped a line that would have fired', () => {
    const r = rule({ id: 'x', pattern: /ERROR/, exclude: [/healthcheck/, /ECONNRESET/] });
    expect(explainEvent([r], ev('ERROR read ECONNRESET'))).toEqual([{ kind: 'excluded', index: 1, exclude: /ECONNRESET/ }]);
  });
});

describe('run-time bounds', () => {
  it('lets regexes see only the head and tail of a huge message, and marks such hits', () => {
    const middle = 'x'.repeat(300_000);
    const r = rule({ id: 'tail', pattern: /FINAL: (?<what>\w+)/ });
    const [hit] = matchEvent([r], ev(`start ${middle} FINAL: KeyError`));
    expect(hit).toMatchObject({ truncated: true, captures: { what: 'KeyError' } });
    // Only in the middle: not seen (documented trade-off).
    expect(matchEvent([rule({ id: 'mid', pattern: /NEEDLE/ })], ev(`${'y'.repeat(MATCH_HEAD_CHARS + 10)}NEEDLE${middle}`))).toEqual([]);
  });

  it('interrupts a catastrophically backtracking regex that slipped past validation (one line)', () => {
    const budget = new RuleBudget({ perEventMs: 100 });
    const evil = rule({ id: 'evil', pattern: /(a+)+$/ });
    const good = rule({ id: 'good', pattern: /a!/ });
    const started = Date.now();
    const hits = matchEvent([evil, good], ev(`${'a'.repeat(40)}!`), { budget });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hits.map((h) => h.rule.id)).toEqual(['good']);
    expect(budget.disabled()).toEqual([expect.objectContaining({ ruleId: 'evil', reason: expect.stringContaining('was interrupted after 100 ms') })]);
    // Off for the rest of the run: the next line costs nothing.
    const again = Date.now();
    expect(matchEvent([evil, good], ev(`${'a'.repeat(40)}!`), { budget }).map((h) => h.rule.id)).toEqual(['good']);
    expect(Date.now() - again).toBeLessThan(50);
  });

  it('interrupts, in a batch, a slow regex the static check does not flag, and keeps every other hit', () => {
    const budget = new RuleBudget({ perEventMs: 100 });
    const poly = rule({ id: 'poly', pattern: /.*a.*a.*b/ });
    const good = rule({ id: 'good', pattern: /a!|ok/ });
    const events = [ev('ok 1'), ev('a'.repeat(5000)), ev('ok 3'), ev(`${'a'.repeat(30)}!`)];
    const started = Date.now();
    const hits = matchEvents([poly, good], events, { budget });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(hits.map((h) => `${h.rule.id}@${h.event.message.slice(0, 4)}`)).toEqual(['good@ok 1', 'good@ok 3', 'good@aaaa']);
    expect(budget.disabled()).toEqual([expect.objectContaining({ ruleId: 'poly', reason: expect.stringMatching(/was interrupted after \d+ ms on one log line/) })]);
  });

  it('switches off a rule that uses more than its share of a run (timed on sampled lines)', () => {
    let now = 0;
    const budget = new RuleBudget({ perRunMs: 100, perEventMs: 1000, clock: () => now });
    const slow: Rule = rule({ id: 'slow', pattern: /ERROR/, when: { source: 'tick', variables: [], evaluate: () => ((now += 4), true) } });
    const hitsPerLine = Array.from({ length: 40 }, (_, i) => matchEvent([slow], ev(`ERROR ${i + 1}`), { budget }).length);
    // Every 16th line is timed and stands for 16 (4 ms x 16 = 64 ms); after the second sample the rule
    // is over 100 ms. The line that tipped it still alerts; later lines are not matched.
    expect(hitsPerLine).toEqual([...Array(32).fill(1), ...Array(8).fill(0)]);
    expect(budget.disabled()).toEqual([{ ruleId: 'slow', reason: 'used 128 ms of matching time in this run (limit 100 ms)', sample: 'ERROR 32', spentMs: 128, evaluations: 32 }]);
    expect(explainEvent([slow], ev('ERROR 41'), { budget })).toEqual([{ kind: 'disabled', reason: 'switched off earlier in this run (over its time budget)' }]);
  });

  it('times a slow line rule by rule to switch off the slow rule, even between samples', () => {
    let now = 0;
    const budget = new RuleBudget({ perEventMs: 250, clock: () => now });
    const tick = (ms: number) => ({ source: 'tick', variables: [], evaluate: (): boolean => ((now += ms), true) });
    const fast = rule({ id: 'fast', pattern: /SLOW|ok/, when: tick(1) });
    const slow = rule({ id: 'slow', pattern: /SLOW/, when: tick(300) });
    expect(matchEvent([fast, slow], ev('SLOW'), { budget }).map((h) => h.rule.id)).toEqual(['fast', 'slow']);
    expect(budget.disabled()).toEqual([expect.objectContaining({ ruleId: 'slow', reason: 'took 300 ms on one log line (limit 250 ms)' })]);
    expect(budget.isDisabled(fast)).toBe(false);
  });

  it('never lets a failing rule crash the scan', () => {
    const budget = new RuleBudget();
    const broken: Rule = rule({ id: 'broken', when: { source: 'x', variables: [], evaluate: () => { throw new Error('boom'); } } });
    const fine = rule({ id: 'fine' });
    expect(matchEvent([broken, fine], ev('ERROR'), { budget }).map((h) => h.rule.id)).toEqual(['fine']);
    expect(budget.disabled()[0]).toMatchObject({ ruleId: 'broken', reason: 'failed: boom' });
  });

  it('matchEvents returns what matchEvent would, in order', () => {
    const r = [rule({ id: 'a', pattern: /A/ }), rule({ id: 'b', pattern: /B/ })];
    const events = ['A', 'B', 'AB', 'C'].map(ev);
    expect(matchEvents(r, events)).toEqual(events.flatMap((e) => matchEvent(r, e)));
  });
});
