/**
 * "Does this line contain any of these literals?" for many literals at once: the question the prefilter
 * asks of every log line. Most lines answer no, so what matters is the cost of reading a line that holds none.
 *
 * Literals of SKIP_MIN_LENGTH characters or more are found with Wu-Manber's skip search: a window as long
 * as the shortest of them slides along the line, and the three characters at its end say how far it may
 * jump (no literal's prefix holds them, or holds them only early). On log text the window jumps most of its
 * length each step, so a line costs a fraction of a character-by-character pass. A few short literals
 * would cap every jump at their length, so they go to one alternation RegExp instead.
 *
 * Case: `ci` literals are lower-case and match ignoring ASCII case (the only folding JS's non-unicode `i`
 * applies; the prefilter gives case-insensitive rules no literal with a non-ASCII cased letter). The jump
 * table folds ASCII case for every literal, which can only shorten jumps; each candidate position is then
 * compared exactly (ASCII-folded for `ci`).
 */

/** Below this length a literal would make the jumps too short: it goes to the alternation instead. */
export const SKIP_MIN_LENGTH = 6;
/** Jumps are stored in a byte; longer windows gain little on log lines anyway. */
const MAX_WINDOW = 64;

export interface Literal {
  text: string;
  ci: boolean;
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * Three characters as an 18-bit key: ASCII case folded (`| 0x20`), then hashed. Collisions only shorten
 * jumps. Three, not two: with a few hundred literals, pairs like "er" or "e " would be in some literal
 * and keep most jumps short; triples stay rare.
 */
const TABLE_SIZE = 1 << 18;
const key3 = (a: number, b: number, c: number) => ((((a | 0x20) & 0xff) << 12) ^ (((b | 0x20) & 0xff) << 6) ^ ((c | 0x20) & 0xff)) & (TABLE_SIZE - 1);

function occursAt(line: string, at: number, lit: Literal): boolean {
  const text = lit.text;
  if (at + text.length > line.length) return false;
  if (!lit.ci) return line.startsWith(text, at);
  for (let k = 0; k < text.length; k++) {
    let c = line.charCodeAt(at + k);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== text.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * One alternation RegExp, longest first so an alternative is not cut short by its own prefix. A `ci`
 * literal spells its letters as `[xX]`, so both case modes share one RegExp and a line is tested once.
 */
function alternation(literals: Literal[]): (line: string) => boolean {
  const source = (l: Literal) =>
    l.ci ? [...l.text].map((c) => (c >= 'a' && c <= 'z' ? `[${c}${c.toUpperCase()}]` : escapeRegex(c))).join('') : escapeRegex(l.text);
  const re = new RegExp([...literals].sort((a, b) => b.text.length - a.text.length).map(source).join('|'));
  return (line) => re.test(line);
}

function skipSearch(literals: Literal[]): (line: string) => boolean {
  const m = Math.min(MAX_WINDOW, ...literals.map((l) => l.text.length));
  // A triple ending at window position q (0-based) allows a jump of m - 1 - q; one in no literal's first
  // m characters allows m - 2 (the window may still end one character later on its last two).
  const jump = new Uint8Array(TABLE_SIZE).fill(m - 2);
  const byEndTriple: (Literal[] | undefined)[] = new Array(TABLE_SIZE);
  for (const lit of literals) {
    const t = lit.text;
    for (let q = 2; q < m; q++) {
      const k = key3(t.charCodeAt(q - 2), t.charCodeAt(q - 1), t.charCodeAt(q));
      jump[k] = Math.min(jump[k]!, m - 1 - q);
    }
    (byEndTriple[key3(t.charCodeAt(m - 3), t.charCodeAt(m - 2), t.charCodeAt(m - 1))] ??= []).push(lit);
  }
  return (line) => {
    const n = line.length;
    for (let end = m - 1; end < n; ) {
      const k = key3(line.charCodeAt(end - 2), line.charCodeAt(end - 1), line.charCodeAt(end));
      const step = jump[k]!;
      if (step > 0) {
        end += step;
        continue;
      }
      const start = end - m + 1;
      for (const lit of byEndTriple[k]!) if (occursAt(line, start, lit)) return true;
      end++;
    }
    return false;
  };
}

/**
 * A test for "the line contains at least one of the literals". `strategy: 'alternation'` puts every literal
 * in the alternation RegExp (the simple way, kept so the benchmark can show the difference).
 */
export function literalSearch(literals: Literal[], opts: { strategy?: 'skip' | 'alternation' } = {}): (line: string) => boolean {
  const unique = [...new Map(literals.map((l) => [`${l.ci ? 'i' : 'c'}${l.text}`, l])).values()];
  if (unique.length === 0) return () => false;
  if (opts.strategy === 'alternation') return alternation(unique);
  const long = unique.filter((l) => l.text.length >= SKIP_MIN_LENGTH);
  const short = unique.filter((l) => l.text.length < SKIP_MIN_LENGTH);
  if (long.length === 0) return alternation(short);
  const skip = skipSearch(long);
  if (short.length === 0) return skip;
  const alt = alternation(short);
  return (line) => alt(line) || skip(line);
}
