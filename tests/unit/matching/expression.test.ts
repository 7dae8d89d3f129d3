import { compileCondition, ExpressionError } from '../../../src/config';
import { parseExpression, tokenize } from '../../../src/config/expression';

const evaluate = (source: string, vars: Record<string, string | number | boolean | undefined> = {}) => compileCondition(source).evaluate(vars);
const errorOf = (source: string) => {
  try {
    compileCondition(source);
  } catch (e) {
    if (e instanceof ExpressionError) return { message: e.message, pos: e.pos };
    throw e;
  }
  throw new Error(`no error for ${source}`);
};

describe('when: expressions', () => {
  it.each([
    // precedence: * before +, arithmetic before comparison, && before ||
    ['1 + 2 * 3 == 7', true],
    ['(1 + 2) * 3 == 9', true],
    ['10 - 4 - 3 == 3', true],
    ['12 / 3 / 2 == 2', true],
    ['7 % 4 == 3', true],
    ['1 < 2 && 2 < 1 || 3 > 2', true],
    ['1 < 2 && (2 < 1 || 3 < 2)', false],
    ['!(1 > 2) && !0', true],
    ['-2 * -3 == 6', true],
    ['2 >= 2 && 2 <= 2 && 2 != 3', true],
    ['1.5e3 == 1500', true],
  ])('%s → %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it('reads variables, coercing numeric strings (captures, JSON strings) to numbers', () => {
    const when = compileCondition('duration >= 0.8 * timeoutMs');
    expect(when.variables).toEqual(['duration', 'timeoutMs']);
    expect(when.evaluate({ duration: '2950.12', timeoutMs: 3000 })).toBe(true);
    expect(when.evaluate({ duration: '2399.99', timeoutMs: 3000 })).toBe(false);
    // "10" > "9" numerically, not as text
    expect(evaluate('a > b', { a: '10', b: '9' })).toBe(true);
  });

  it('compares text with == and != when either side is not a number', () => {
    expect(evaluate('status == "503"', { status: '503' })).toBe(true);
    expect(evaluate("level == 'ERROR'", { level: 'ERROR' })).toBe(true);
    expect(evaluate("level != 'ERROR'", { level: 'WARN' })).toBe(true);
    expect(evaluate('code == 5', { code: 'five' })).toBe(false);
    expect(evaluate('a > 1', { a: 'lots' })).toBe(false);
  });

  it('is false, and says which variable, when a variable has no value', () => {
    const when = compileCondition('duration >= 0.8 * timeoutMs');
    expect(when.evaluate({ duration: '2950' })).toBe(false);
    expect(when.check({ duration: '2950' })).toEqual({ value: false, missing: 'timeoutMs' });
    expect(when.check({ duration: '2950', timeoutMs: 3000 })).toEqual({ value: true });
    // Negating a missing value does not make it true.
    expect(evaluate('!flag')).toBe(false);
  });

  it('never reaches the prototype or runs code', () => {
    expect(evaluate('constructor == 0')).toBe(false);
    expect(evaluate('__proto__ == 0')).toBe(false);
    expect(compileCondition('toString > 0').check({})).toEqual({ value: false, missing: 'toString' });
    expect(errorOf("constructor.constructor('return process')()").message).toMatch(/looks like a function call/);
    expect(errorOf('process.exit(1)').message).toMatch(/function call/);
    expect(errorOf('a[0]').message).toBe("unexpected character '['");
    expect(errorOf('`x`').message).toBe("unexpected character '`'");
    expect(errorOf('a; b').message).toBe("unexpected character ';'");
    expect(errorOf('a = 1').message).toBe("unexpected character '=' (use '==' to compare)");
  });

  it.each([
    ['', 'is empty', 0],
    ['a >', 'ends too early: an operand is missing', 3],
    ['a > > 1', "unexpected '>'", 4],
    ['(a > 1', "expected ')' but found end of expression", 6],
    ['a > 1)', "unexpected ')' (an operator is missing?)", 5],
    ['a b', "unexpected 'b' (an operator is missing?)", 2],
    ['1 < a < 3', "comparisons cannot be chained: use && as in 'a < b && b < c' (at '<')", 6],
    ['a == b == c', "comparisons cannot be chained: use && as in 'a < b && b < c' (at '==')", 7],
    ['a > 5s', "unexpected 's' after number 5 (units are not supported: write 5000, not 5s)", 5],
    ['"abc', 'unterminated string starting at character 1', 0],
    ['a > "5"', 'cannot use the string "5" with \'>\' (strings only work with == and !=)', 4],
    ['-"x" == 1', 'cannot negate the string "x"', 0],
    ['a & b', "unexpected character '&' (use '&&')", 2],
    ['duration * 2', 'must be a condition such as duration > 1000, not a plain value', 0],
    ['error. > 1', "field path 'error.' must not end with '.'", 5],
  ])('rejects %j: %s', (source, message, pos) => {
    expect(errorOf(source)).toEqual({ message, pos });
  });

  it('limits length and nesting so a rule cannot make the validator recurse without end', () => {
    expect(errorOf(`${'('.repeat(60)}a${')'.repeat(60)} > 1`).message).toBe('is nested too deeply');
    expect(errorOf(`a > ${'1+'.repeat(300)}1`).message).toBe('is longer than 500 characters');
  });

  it('tokenizes dotted field paths as one name', () => {
    expect(tokenize('record.metrics.maxMemoryUsedMB >= 1').map((t) => t.text)).toEqual(['record.metrics.maxMemoryUsedMB', '>=', '1', 'end of expression']);
    expect(parseExpression('a.b.0 > 1')).toMatchObject({ kind: 'binary', left: { kind: 'var', name: 'a.b.0' } });
  });
});
