import { matchEvent } from '../../../src/matching';
import { compilePrefilter, prefilterFor } from '../../../src/matching/prefilter';
import { parseRegex, UnsupportedRegex } from '../../../src/matching/regex-syntax';
import { requiredLiterals } from '../../../src/matching/required-literals';
import type { LogEvent } from '../../../src/sources';
import { rule } from '../pipeline/rules';
import { randomLine, randomPattern, seeded } from '../sources/seeded';

const event = (message: string): LogEvent => ({ logGroup: '/g', logStream: 's', timestamp: 1, message, eventId: 'e' });

describe('requiredLiterals', () => {
  it.each([
    ['Task timed out after (?<seconds>\\d+(?:\\.\\d+)?) seconds', '', ['Task timed out after ']],
    ['Runtime\\.(?:ImportModuleError|HandlerNotFound)', '', ['Runtime.ImportModuleError', 'Runtime.HandlerNotFound']],
    ['^\\[(?:ERROR|CRITICAL)\\]\\s', '', ['[ERROR]', '[CRITICAL]']],
    ['(?:"status":\\s*"?|HTTP/\\d(?:\\.\\d)?" )(?<status>5\\d\\d)\\b', '', ['"status":', 'HTTP/']],
    ['Out Of Memory', 'i', ['out of memory']],
    ['[Ee]rror: (\\w+)', '', ['Error: ', 'error: ']],
    ['café au lait', 'i', [' au lait']], // the non-ASCII letter splits the literal; the longest ASCII run stays
  ])('/%s/%s needs one of %j', (source, flags, expected) => {
    expect(requiredLiterals(new RegExp(source, flags))?.sort()).toEqual([...expected].sort());
  });

  it.each([
    ['\\d+s', ''], // nothing literal of length ≥ 2
    ['ERROR|.*', ''], // one branch needs nothing
    ['(?:ERROR)?', ''],
    ['é', 'i'], // non-ASCII under i: JS folding differs from lower-casing
    ['ERROR', 'u'], // unicode mode is not modelled
    ['\\1(a)', ''],
  ])('/%s/%s has no required literal', (source, flags) => {
    expect(requiredLiterals(new RegExp(source, flags))).toBeUndefined();
  });

  it('refuses octal escapes and other Annex B corners instead of guessing', () => {
    expect(() => parseRegex('\\01')).toThrow(UnsupportedRegex);
    expect(() => parseRegex('\\8')).toThrow(UnsupportedRegex);
    expect(parseRegex('a{,2}')).toMatchObject({ type: 'seq' }); // `{` that starts no quantifier is literal
  });
});

describe('prefilter', () => {
  it('skips every literal rule on a line with none of their literals, and keeps the others', () => {
    const rules = [
      rule({ id: 'timeout', pattern: /Task timed out after \d+/ }),
      rule({ id: 'oom', pattern: /out of memory/i }),
      rule({ id: 'digits', pattern: /\d{3}s/ }),
    ];
    const p = compilePrefilter(rules);
    expect(p.alwaysRun.map((r) => r.id)).toEqual(['digits']);
    expect(p.candidates('INFO all good').map((r) => r.id)).toEqual(['digits']);
    expect(p.candidates('FATAL: OUT OF MEMORY').map((r) => r.id)).toEqual(['oom', 'digits']);
    expect(p.candidates('Task timed out after 3').map((r) => r.id)).toEqual(['timeout', 'digits']);
  });

  it('is cached per rule list', () => {
    const rules = [rule({ id: 'a', pattern: /ERROR/ })];
    expect(prefilterFor(rules)).toBe(prefilterFor([...rules]));
    expect(prefilterFor(rules)).not.toBe(prefilterFor([rule({ id: 'a', pattern: /ERROR/ })]));
  });

  // The property that matters: on any line, the prefiltered rules produce exactly the hits all rules produce.
  it.each(['skip', 'alternation'] as const)('never changes the hits (%s strategy, 250 rule sets × 200 lines)', (strategy) => {
    const rng = seeded(20261123);
    let skipped = 0;
    let total = 0;
    for (let set = 0; set < 250; set++) {
      const rules = Array.from({ length: 1 + rng.int(12) }, (_, i) => rule({ id: `r${i}`, pattern: randomPattern(rng) }));
      const p = compilePrefilter(rules, { strategy });
      for (let l = 0; l < 200; l++) {
        const e = event(randomLine(rng));
        const all = matchEvent(rules, e).map((h) => h.rule.id);
        const candidates = p.candidates(e.message);
        const filtered = matchEvent(candidates, e).map((h) => h.rule.id);
        if (filtered.join() !== all.join()) {
          throw new Error(`mismatch on ${JSON.stringify(e.message)} for ${rules.map((r) => r.pattern).join(' ')}: ${all} vs ${filtered}`);
        }
        total += rules.length;
        skipped += rules.length - candidates.length;
      }
    }
    // And it does skip work: a good share of (line, rule) pairs never reach a regex.
    expect(skipped / total).toBeGreaterThan(0.3);
  });

  it('keeps the shipped rules exact on their own sample logs', async () => {
    const { loadConfig } = await import('../../../src/config');
    const { readdirSync, readFileSync } = await import('node:fs');
    const config = await loadConfig('config');
    const p = compilePrefilter(config.rules);
    let lines = 0;
    for (const f of readdirSync('tests/fixtures/logs')) {
      for (const line of readFileSync(`tests/fixtures/logs/${f}`, 'utf8').split('\n')) {
        const e = event(line);
        expect(matchEvent(p.candidates(line), e).map((h) => h.rule.id)).toEqual(matchEvent(config.rules, e).map((h) => h.rule.id));
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(50);
    expect(p.alwaysRun.length).toBeLessThan(config.rules.length / 2);
  });
});

test('messages past the matcher head + tail window are never prefiltered', async () => {
  const { MATCH_HEAD_CHARS, MATCH_TAIL_CHARS } = await import('../../../src/matching');
  const rules = [rule({ id: 'a', pattern: /ERROR\nX/ })];
  const long = `${'x'.repeat(MATCH_HEAD_CHARS - 5)}ERROR${'y'.repeat(5000)}X${'z'.repeat(MATCH_TAIL_CHARS - 1)}`;
  expect(compilePrefilter(rules).candidates(long)).toEqual(rules);
  expect(compilePrefilter(rules).candidates('short line')).toEqual([]);
});
