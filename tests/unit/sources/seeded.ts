/** mulberry32: a seeded generator so a failing property run replays exactly. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

export type Rng = ReturnType<typeof seeded>;

/** Regex fragments in the style of real rules, plus syntax the analysis must treat carefully. */
const FRAGMENTS = [
  'ERROR', 'Error', 'error', 'Task timed out after', 'Exception', 'timeout', 'OutOfMemory', 'status', '5\\d\\d', '\\d+',
  '\\d{2,3}', '\\s+', '\\s*', '\\t', '.*', '.+?', '[Ee]rror', '[^\\s]+', '\\w+', '\\b', '^', '$', '(?:ERROR|WARN)', '(?:fail|FAIL)ed',
  '(?<code>[A-Z]{3})', '(x)?', 'a|b', '(?=ERROR)', '(?!INFO)', '(?<=\\[)', '(\\w)\\1', '\\u00e9t\\u00e9', 'caf\u00e9', '\\.', '\\[', '\\]', '"level"',
  ':', '\\x41', '[0-9a-f]{4}', '(?:ab)+', 'E{1,2}RR', '\\/', '-', ' ', '\\u2028', '[\\s\\S]', '[^]', 'x*', '(?:)', '\\n', 'ß', 'İ', 'K',
];

export function randomPattern(rng: Rng): RegExp {
  for (;;) {
    const parts = Array.from({ length: 1 + rng.int(4) }, () => rng.pick(FRAGMENTS));
    let source = parts.join('');
    if (rng.next() < 0.2) source = `${source}|${rng.pick(FRAGMENTS)}`;
    const flags = rng.pick(['', '', '', 'i', 'i', 'm', 's', 'u', 'is']);
    try {
      return new RegExp(source, flags);
    } catch {
      // an invalid combination: draw again
    }
  }
}

const WORDS = [
  'ERROR', 'error', 'ErRoR', 'INFO', 'WARN', 'Task', 'timed', 'out', 'after', '3.00', 'seconds', 'Exception', 'status', '502', '200',
  'OutOfMemory', 'OUTOFMEMORY', 'failed', 'FAILed', 'café', 'CAFÉ', 'été', 'ÉTÉ', '"level"', ':', '"ERROR"', 'aa', 'bb', 'xx', 'ab', 'abab',
  '[', ']', 'EERR', 'ERR', '/', '-', 'ß', 'SS', 'ſ', 'K', 'k', 'İ', 'i', 'ı', 'ABC', 'dead', 'beef', '\u2028', '\u00a0', '\u0085', 'A',
];
const SEPARATORS = [' ', ' ', ' ', '\t', '', '\n', '\u00a0', '  '];

export function randomLine(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(10) }, () => rng.pick(WORDS) + rng.pick(SEPARATORS)).join('');
}
