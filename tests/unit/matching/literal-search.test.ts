import { literalSearch, SKIP_MIN_LENGTH, type Literal } from '../../../src/matching/literal-search';
import { seeded } from '../sources/seeded';

// The reference: plain `includes`, ASCII-folded for case-insensitive literals (what a non-unicode /x/i does).
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const naive = (literals: Literal[]) => (line: string) =>
  literals.some((l) => (l.ci ? asciiLower(line).includes(l.text) : line.includes(l.text)));

describe('literalSearch', () => {
  const literals: Literal[] = [
    { text: 'Task timed out after ', ci: false },
    { text: 'ECONNRESET', ci: false },
    { text: 'out of memory', ci: true },
    { text: 'DLQ', ci: false }, // short: goes to the alternation
  ];

  it.each([
    ['2026-01-01 Task timed out after 3.00 seconds', true],
    ['Error: read ECONNRESET', true], // at the very end
    ['ECONNRESET at the very start', true],
    ['FATAL: Out Of Memory', true], // ASCII case folded for ci literals
    ['moved to DLQ', true],
    ['Task timed out befor', false], // a prefix is not a match
    ['econnreset', false], // case-sensitive literal
    ['ok', false], // shorter than the window
    ['', false],
  ])('%j → %s', (line, expected) => {
    for (const strategy of ['skip', 'alternation'] as const) expect(literalSearch(literals, { strategy })(line)).toBe(expected);
  });

  it('does not fold non-ASCII letters the way String#toLowerCase would', () => {
    // /k/i in non-unicode mode does not match the Kelvin sign (U+212A), whose toLowerCase is "k".
    expect(literalSearch([{ text: 'kelvin scale', ci: true }])('\u212Aelvin scale')).toBe(false);
  });

  // The property: on any line, the same answer as `includes` for every literal, for random literal sets
  // mixing short and long, case modes, regex specials and non-ASCII characters (the jump table keeps only
  // the low byte of each character, so collisions must never lose a match).
  it('agrees with includes on 400 random literal sets × 300 lines', () => {
    const rng = seeded(424242);
    const alphabet = 'abcdeEFGH  :|.*\t\u00e9\u0100\u0165xyz0123'.split('');
    const word = (n: number) => Array.from({ length: n }, () => rng.pick(alphabet)).join('');
    let found = 0;
    for (let set = 0; set < 400; set++) {
      const lits: Literal[] = Array.from({ length: 1 + rng.int(10) }, () => {
        const ci = rng.next() < 0.3;
        // As the prefilter hands them over: no non-ASCII cased letter in a case-insensitive literal.
        const text = word(2 + rng.int(SKIP_MIN_LENGTH * 2)).replace(ci ? /[\u00e9\u0100\u0165]/g : /$^/, '_');
        return { text: ci ? asciiLower(text) : text, ci };
      });
      const search = literalSearch(lits);
      const reference = naive(lits);
      for (let l = 0; l < 300; l++) {
        let line = word(rng.int(60));
        if (rng.next() < 0.5) {
          const lit = rng.pick(lits);
          const planted = lit.ci ? lit.text.replace(/[a-z]/g, (c) => (rng.next() < 0.5 ? c.toUpperCase() : c)) : lit.text;
          const at = rng.int(line.length + 1);
          line = line.slice(0, at) + planted + line.slice(at);
        }
        const expected = reference(line);
        if (search(line) !== expected) throw new Error(`${JSON.stringify(line)} with ${JSON.stringify(lits)}: expected ${expected}`);
        if (expected) found++;
      }
    }
    expect(found).toBeGreaterThan(40_000); // the planted half, and then some
  });
});
