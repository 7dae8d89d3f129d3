// A parser for the JavaScript regex syntax rules use, producing an AST with source offsets.
// It only ever sees sources that `new RegExp(source, flags)` already accepted, so it is lenient: it
// never reports syntax errors, it just has to read valid patterns the way V8 does (Annex B included:
// a `{` that starts no quantifier and a lone `]` are literal characters).

/** Sorted, disjoint, inclusive code point ranges. */
export type CharSet = ReadonlyArray<readonly [number, number]>;

export type RegexNode =
  | { type: 'char'; set: CharSet; start: number; end: number }
  | { type: 'seq'; items: RegexNode[]; start: number; end: number }
  | { type: 'alt'; alts: RegexNode[]; start: number; end: number }
  | { type: 'group'; body: RegexNode; name?: string; capture: boolean; start: number; end: number }
  | { type: 'look'; body: RegexNode; behind: boolean; negate: boolean; start: number; end: number }
  | { type: 'assert'; start: number; end: number }
  | { type: 'backref'; start: number; end: number }
  | { type: 'repeat'; body: RegexNode; min: number; max: number; lazy: boolean; start: number; end: number };

const MAX_CP = 0x10ffff;
export const ANY: CharSet = [[0, MAX_CP]];
const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: CharSet = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: CharSet = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];

export function normalize(ranges: Iterable<readonly [number, number]>): CharSet {
  const sorted = [...ranges].map(([a, b]) => [a, b] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

export function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    if (ahi < blo) i++;
    else if (bhi < alo) j++;
    else return true;
  }
  return false;
}

/** With the `i` flag, a set also holds the other case of its letters (ASCII and small ranges). */
function caseFold(set: CharSet): CharSet {
  const extra: [number, number][] = [];
  for (const [lo, hi] of set) {
    const upperLo = Math.max(lo, 0x41);
    const upperHi = Math.min(hi, 0x5a);
    if (upperLo <= upperHi) extra.push([upperLo + 32, upperHi + 32]);
    const lowerLo = Math.max(lo, 0x61);
    const lowerHi = Math.min(hi, 0x7a);
    if (lowerLo <= lowerHi) extra.push([lowerLo - 32, lowerHi - 32]);
    if (hi >= 0x80 && hi - lo < 256) {
      for (let c = Math.max(lo, 0x80); c <= hi; c++) {
        const ch = String.fromCodePoint(c);
        for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
          const cp = v.codePointAt(0)!;
          if ([...v].length === 1 && cp !== c) extra.push([cp, cp]);
        }
      }
    }
  }
  return extra.length ? normalize([...set, ...extra]) : set;
}

export interface ParsedRegex {
  root: RegexNode;
  /** Named capture groups in order of appearance. */
  groupNames: string[];
}

export function parseRegex(source: string, flags: string): ParsedRegex {
  return new Parser(source, flags).parse();
}

class Parser {
  private i = 0;
  private readonly unicode: boolean;
  private readonly ignoreCase: boolean;
  private readonly dotAll: boolean;
  private readonly groupNames: string[] = [];
  private readonly hasNamedGroups: boolean;

  constructor(private readonly src: string, flags: string) {
    this.unicode = flags.includes('u') || flags.includes('v');
    this.ignoreCase = flags.includes('i');
    this.dotAll = flags.includes('s');
    this.hasNamedGroups = /\(\?<[^=!]/.test(src);
  }

  parse(): ParsedRegex {
    const root = this.alternation();
    return { root, groupNames: this.groupNames };
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private alternation(): RegexNode {
    const start = this.i;
    const alts = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { type: 'alt', alts, start, end: this.i };
  }

  private sequence(): RegexNode {
    const start = this.i;
    const items: RegexNode[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.term());
    }
    return items.length === 1 ? items[0]! : { type: 'seq', items, start, end: this.i };
  }

  private term(): RegexNode {
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    return { type: 'repeat', body: atom, ...q, start: atom.start, end: this.i };
  }

  private quantifier(): { min: number; max: number; lazy: boolean } | undefined {
    const q = readQuantifier(this.src, this.i);
    if (!q) return undefined;
    this.i += q.length;
    return { min: q.min, max: q.max, lazy: q.lazy };
  }

  private atom(): RegexNode {
    const start = this.i;
    const c = this.src[this.i++]!;
    switch (c) {
      case '(':
        return this.group(start);
      case '[':
        return this.charNode(this.classBody(), start);
      case '.':
        return this.charNode(this.dotAll ? ANY : complement(LINE_TERMINATORS), start);
      case '^':
      case '$':
        return { type: 'assert', start, end: this.i };
      case '\\':
        return this.escape(start);
      default: {
        const cp = this.unicode ? this.src.codePointAt(start)! : c.charCodeAt(0);
        if (cp > 0xffff) this.i++;
        return this.charNode([[cp, cp]], start);
      }
    }
  }

  private charNode(set: CharSet, start: number): RegexNode {
    return { type: 'char', set: this.ignoreCase ? caseFold(set) : set, start, end: this.i };
  }

  private group(start: number): RegexNode {
    let kind: 'capture' | 'plain' | 'ahead' | 'behind' = 'capture';
    let negate = false;
    let name: string | undefined;
    if (this.peek() === '?') {
      const next = this.peek(1);
      if (next === ':') {
        kind = 'plain';
        this.i += 2;
      } else if (next === '=' || next === '!') {
        kind = 'ahead';
        negate = next === '!';
        this.i += 2;
      } else if (next === '<' && (this.peek(2) === '=' || this.peek(2) === '!')) {
        kind = 'behind';
        negate = this.peek(2) === '!';
        this.i += 3;
      } else if (next === '<') {
        const close = this.src.indexOf('>', this.i);
        name = this.src.slice(this.i + 2, close);
        this.groupNames.push(name);
        this.i = close + 1;
      } else {
        // Modifiers like `(?i:...)` (newer engines): read the body as a plain group.
        const colon = this.src.indexOf(':', this.i);
        kind = 'plain';
        this.i = colon + 1;
      }
    }
    const body = this.alternation();
    if (this.peek() === ')') this.i++;
    if (kind === 'ahead' || kind === 'behind') {
      return { type: 'look', body, behind: kind === 'behind', negate, start, end: this.i };
    }
    return { type: 'group', body, capture: kind === 'capture', ...(name === undefined ? {} : { name }), start, end: this.i };
  }

  /** After `\`: a set, an assertion, a back reference, or one character. */
  private escape(start: number): RegexNode {
    const c = this.src[this.i++] ?? '\\';
    switch (c) {
      case 'd':
        return this.charNode(DIGIT, start);
      case 'D':
        return this.charNode(complement(DIGIT), start);
      case 'w':
        return this.charNode(WORD, start);
      case 'W':
        return this.charNode(complement(WORD), start);
      case 's':
        return this.charNode(SPACE, start);
      case 'S':
        return this.charNode(complement(SPACE), start);
      case 'b':
      case 'B':
        return { type: 'assert', start, end: this.i };
      case 'p':
      case 'P':
        if (this.unicode && this.peek() === '{') {
          this.i = this.src.indexOf('}', this.i) + 1;
          // Unicode properties are approximated by "any character": the check may over-report, never miss.
          return this.charNode(ANY, start);
        }
        return this.charNode([[c.charCodeAt(0), c.charCodeAt(0)]], start);
      case 'k':
        if (this.unicode || this.hasNamedGroups) {
          if (this.peek() === '<') this.i = this.src.indexOf('>', this.i) + 1;
          return { type: 'backref', start, end: this.i };
        }
        return this.charNode([[0x6b, 0x6b]], start);
      default:
        if (c >= '1' && c <= '9') {
          const digits = /^\d*/.exec(this.src.slice(this.i))![0];
          this.i += digits.length;
          return { type: 'backref', start, end: this.i };
        }
        this.i--;
        {
          const cp = this.escapedChar();
          return this.charNode([[cp, cp]], start);
        }
    }
  }

  /** One escaped character (the `\` already read); advances past it and returns its code point. */
  private escapedChar(): number {
    const c = this.src[this.i++] ?? '\\';
    const hex = (n: number) => {
      const text = this.src.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(text)) return undefined;
      this.i += n;
      return parseInt(text, 16);
    };
    switch (c) {
      case 't':
        return 0x09;
      case 'n':
        return 0x0a;
      case 'v':
        return 0x0b;
      case 'f':
        return 0x0c;
      case 'r':
        return 0x0d;
      case '0':
        return 0;
      case 'c': {
        const letter = this.peek();
        if (letter && /[A-Za-z]/.test(letter)) {
          this.i++;
          return letter.charCodeAt(0) % 32;
        }
        return 0x5c;
      }
      case 'x':
        return hex(2) ?? 0x78;
      case 'u': {
        if (this.peek() === '{' && this.unicode) {
          const close = this.src.indexOf('}', this.i);
          const cp = parseInt(this.src.slice(this.i + 1, close), 16);
          this.i = close + 1;
          return cp;
        }
        return hex(4) ?? 0x75;
      }
      default:
        return this.unicode ? this.src.codePointAt(this.i - 1)! : c.charCodeAt(0);
    }
  }

  /** After `[`: the class's set, with `]` consumed. */
  private classBody(): CharSet {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    const ranges: Array<readonly [number, number]> = [];
    // In JavaScript `]` always closes a class (`[]` matches nothing, `[^]` anything).
    while (this.i < this.src.length && this.peek() !== ']') {
      const a = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined && typeof a === 'number') {
        const save = this.i;
        this.i++;
        const b = this.classAtom();
        if (typeof b === 'number') {
          ranges.push([a, b]);
          continue;
        }
        // `[a-\d]` (Annex B): a, '-', and the set.
        this.i = save;
      }
      if (typeof a === 'number') ranges.push([a, a]);
      else ranges.push(...a);
    }
    this.i++; // ]
    const set = normalize(ranges);
    return negated ? complement(set) : set;
  }

  private classAtom(): number | CharSet {
    const c = this.src[this.i++]!;
    if (c !== '\\') {
      const cp = this.unicode ? this.src.codePointAt(this.i - 1)! : c.charCodeAt(0);
      if (cp > 0xffff) this.i++;
      return cp;
    }
    const e = this.peek();
    switch (e) {
      case 'd':
        this.i++;
        return DIGIT;
      case 'D':
        this.i++;
        return complement(DIGIT);
      case 'w':
        this.i++;
        return WORD;
      case 'W':
        this.i++;
        return complement(WORD);
      case 's':
        this.i++;
        return SPACE;
      case 'S':
        this.i++;
        return complement(SPACE);
      case 'b':
        this.i++;
        return 0x08;
      case 'p':
      case 'P':
        if (this.unicode && this.peek(1) === '{') {
          this.i = this.src.indexOf('}', this.i) + 1;
          return ANY;
        }
        break;
      default:
        break;
    }
    return this.escapedChar();
  }
}

/**
 * The quantifier at `at` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy) and how many characters
 * it spans; undefined where none starts (Annex B: a `{` that starts no quantifier is a literal). Shared by
 * both regex parsers (this one and matching/regex-syntax.ts), so they never disagree on what repeats.
 */
export function readQuantifier(src: string, at: number): { min: number; max: number; lazy: boolean; length: number } | undefined {
  const c = src[at];
  let min: number;
  let max: number;
  let end = at + 1;
  if (c === '*') [min, max] = [0, Infinity];
  else if (c === '+') [min, max] = [1, Infinity];
  else if (c === '?') [min, max] = [0, 1];
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(at));
    if (!m) return undefined;
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    end = at + m[0].length;
  } else return undefined;
  const lazy = src[end] === '?';
  return { min, max, lazy, length: end - at + (lazy ? 1 : 0) };
}
