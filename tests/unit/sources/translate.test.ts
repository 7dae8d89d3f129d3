import { buildFilter, translatePattern } from '../../../src/sources/insights';
import { compileInsightsRegex } from '../../support/cloudwatch-logs/insights';
import { rule } from '../pipeline/rules';
import { randomLine, randomPattern, seeded } from './seeded';

/** The regexes inside `@message like /…/ or …` conditions, compiled the way the emulator reads Insights regexes. */
function serverPredicate(filter: string): (line: string) => boolean {
  const regexes = [...filter.matchAll(/@message like \/((?:\\.|[^\\/])*)\//g)].map((m) => compileInsightsRegex(m[1]!));
  expect(regexes.length).toBeGreaterThan(0);
  return (line) => regexes.some((re) => re.test(line));
}

describe('translatePattern', () => {
  it.each([
    [/Task timed out after (?<seconds>\d+(?:\.\d+)?) seconds/, '@message like /Task timed out after (?:\\d+(?:\\.\\d+)?) seconds/'],
    [/out of memory/i, '@message like /(?i)out of memory/'],
    [/^\[(?:ERROR|CRITICAL)\]\s/, '@message like /^\\[(?:ERROR|CRITICAL)\\][^!-~]/'],
    [/a.b/, '@message like /a[^\\n\\r]b/'],
    [/a.b/s, '@message like /a[\\s\\S]b/'],
    [/\bERROR\b(?=:)/, '@message like /ERROR/'],
    [/^ERROR$/m, '@message like /ERROR/'],
    [/x{2,5000}?/, '@message like /x{2,}/'],
    [/path\/to/, '@message like /path\\/to/'],
  ])('%s → %s', (re, expected) => {
    expect(translatePattern(re)).toEqual({ kind: 'regex', filter: expected });
  });

  it('falls back to the required literals when the pattern itself is not portable', () => {
    expect(translatePattern(/(\w+) failed: \1/)).toEqual({ kind: 'literals', filter: '@message like / failed\\: /' });
    expect(translatePattern(/Error: [^\S]/)).toEqual({ kind: 'literals', filter: '@message like /Error\\: /' });
  });

  it('refuses patterns with neither a portable form nor a literal', () => {
    expect(translatePattern(/(\w)\1/).kind).toBe('none');
    expect(translatePattern(/é+/i).kind).toBe('none');
    expect(translatePattern(/\p{L}/u).kind).toBe('none');
    expect(translatePattern(/\b/).kind).toBe('none');
  });

  // Superset property: whenever the JS regex matches a line, the server filter keeps it.
  it('keeps every line the JS pattern matches (2,000 random patterns × 100 lines)', () => {
    const rng = seeded(7);
    let translated = 0;
    for (let i = 0; i < 2000; i++) {
      const re = randomPattern(rng);
      const t = translatePattern(re);
      if (t.kind === 'none') continue;
      translated++;
      const keeps = serverPredicate(t.filter);
      for (let l = 0; l < 100; l++) {
        const line = randomLine(rng);
        if (re.test(line) && !keeps(line)) throw new Error(`${re} matches ${JSON.stringify(line)} but ${t.filter} drops it`);
      }
    }
    expect(translated).toBeGreaterThan(1000);
  });
});

describe('buildFilter', () => {
  it('ORs one condition per rule, de-duplicated', () => {
    const plan = buildFilter([rule({ id: 'a', pattern: /ERROR/ }), rule({ id: 'b', pattern: /ERROR/ }), rule({ id: 'c', pattern: /timed out/ })]);
    expect(plan).toEqual({ ok: true, filter: '@message like /ERROR/ or @message like /timed out/', exact: 3, literal: 0 });
  });

  it('is not ok when any rule cannot be filtered server-side: its lines would be dropped', () => {
    const plan = buildFilter([rule({ id: 'a', pattern: /ERROR/ }), rule({ id: 'b', pattern: /(\w)\1/ })]);
    expect(plan).toMatchObject({ ok: false, reason: expect.stringContaining('rule b') });
  });

  it('stays under the query length limit by using literals, or gives up', () => {
    const many = Array.from({ length: 60 }, (_, i) => rule({ id: `r${i}`, pattern: new RegExp(`code${i}\\s*[:=]\\s*(?:${'x'.repeat(40)}|y)\\s+\\w+`) }));
    const plan = buildFilter(many, 4000);
    expect(plan.ok).toBe(true);
    if (plan.ok) expect(plan.filter.length).toBeLessThanOrEqual(4000);
    expect(buildFilter(many, 100).ok).toBe(false);
  });
});
