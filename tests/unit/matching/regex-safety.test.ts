import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { catastrophicBacktracking } from '../../../src/config';

describe('catastrophic backtracking check', () => {
  it.each([
    ['(a+)+$', 'nested-quantifier', '(a+)+'],
    ['(.*a){20}', 'bounded-repetition', '(.*a){20}'],
    ['(a|a)*', 'overlapping-alternatives', '(a|a)*'],
    ['(\\w+\\s?)+$', 'nested-quantifier', '(\\w+\\s?)+'],
    ['^(a|aa)+$', 'overlapping-alternatives', '(a|aa)+'],
    ['(a*)*b', 'nested-quantifier', '(a*)*'],
    ['(x+x+)+y', 'nested-quantifier', '(x+x+)+'],
    ['^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$', 'nested-quantifier', '(([\\-.]|[_]+)?([a-zA-Z0-9]+))*'],
    ['(.*,){12}P', 'bounded-repetition', '(.*,){12}'],
    ['(\\s*\\S+\\s*)+$', 'nested-quantifier', '(\\s*\\S+\\s*)+'],
    ['(?:a+){2,}b', 'nested-quantifier', '(?:a+){2,}'],
    ['x(?=(a+)+b)', 'nested-quantifier', '(a+)+'],
    ['(A+)+$', 'nested-quantifier', '(A+)+'],
    ['([a-z]+|[A-Z]+)+$', 'nested-quantifier', '([a-z]+|[A-Z]+)+'],
  ])('rejects %s as %s at %s', (source, kind, fragment) => {
    expect(catastrophicBacktracking(source)).toMatchObject({ kind, fragment });
  });

  it('sees case-insensitive overlap', () => {
    expect(catastrophicBacktracking('(a|A)+$')).toBeUndefined();
    expect(catastrophicBacktracking('(a|A)+$', 'i')).toMatchObject({ kind: 'overlapping-alternatives' });
  });

  it.each([
    'Task timed out after (?<seconds>\\d+(?:\\.\\d+)?) seconds',
    '(\\d{1,3}\\.){3}\\d{1,3}',
    '[0-9a-f]{32}',
    '(?:[0-9a-f]{8}-){3}[0-9a-f]{12}',
    '(a|ab)*c',
    '(\\w+\\s)+x',
    '\\w+(?:\\s\\w+)*$',
    'ERROR.*user.*failed',
    '(ab|cd){50}',
    '(?:a|b)*c',
    '^\\[(?:ERROR|CRITICAL)\\]\\s',
    '"level"\\s*:\\s*"(?:ERROR|CRITICAL|FATAL)"',
    '(?<key>\\w+)=(?<value>[^,]*)(?:,\\s*\\w+=[^,]*)*',
    '\\b(\\w+)\\s+\\1\\b',
  ])('accepts %s', (source) => {
    expect(catastrophicBacktracking(source)).toBeUndefined();
  });

  it('accepts every regex of the shipped rules and packs', () => {
    const dir = path.join(__dirname, '../../../config');
    const files = ['rules', 'packs'].flatMap((d) => readdirSync(path.join(dir, d)).filter((f) => f.endsWith('.yml')).map((f) => path.join(dir, d, f)));
    const regexes: string[] = [];
    for (const file of files) {
      const doc = parseDocument(readFileSync(file, 'utf8')).toJS() as { rules?: Array<Record<string, unknown>> };
      for (const r of doc.rules ?? []) {
        if (typeof r.pattern === 'string') regexes.push(r.pattern);
        for (const e of (r.exclude as string[] | undefined) ?? []) regexes.push(e);
      }
    }
    expect(regexes.length).toBeGreaterThan(15);
    expect(regexes.filter((re) => catastrophicBacktracking(re) !== undefined)).toEqual([]);
  });

  it('decides quickly even for long regexes', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join('|');
    const started = Date.now();
    expect(catastrophicBacktracking(`(?:${long})\\s+(?:[a-z]+\\.){1,10}\\d{1,5}`)).toBeUndefined();
    expect(catastrophicBacktracking(`x{1,1000}(?:${long}){1,9}`)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
