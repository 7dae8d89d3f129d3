/**
 * A structural parser for the JavaScript regex syntax (non-unicode mode, with the Annex B leniencies we
 * accept), for the analyses that must understand a pattern exactly or not at all: the prefilter's required
 * literals, the Insights translation and the benchmark's grep translation. Anything ambiguous throws
 * UnsupportedRegex, and the caller then treats the pattern as opaque. (config/regex-ast.ts is the other
 * parser: lenient, with character sets as code point ranges, for the ReDoS check.)
 */
import { readQuantifier } from '../config/regex-ast';

export type ClassEscape = 'd' | 'D' | 'w' | 'W' | 's' | 'S';

export type ClassItem =
  | { kind: 'char'; char: string }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'escape'; escape: ClassEscape };

export type RegexNode =
  | { type: 'char'; char: string }
  | { type: 'dot' }
  | { type: 'escape'; escape: ClassEscape }
  | { type: 'class'; negated: boolean; items: ClassItem[] }
  | { type: 'start' }
  | { type: 'end' }
  | { type: 'wordBoundary'; negated: boolean }
  | { type: 'look'; ahead: boolean; negated: boolean; body: RegexNode }
  | { type: 'group'; capturing: boolean; name?: string; body: RegexNode }
  | { type: 'backref'; ref: number | string }
  | { type: 'repeat'; min: number; max: number; lazy: boolean; body: RegexNode }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; alternatives: RegexNode[] };

/** The regex uses syntax this parser deliberately does not model; callers must then assume nothing. */
export class UnsupportedRegex extends Error {
  override name = 'UnsupportedRegex';
}

/** Parses a JavaScript regex source. Throws UnsupportedRegex for the `u`/`v` flags and for anything ambiguous. */
export function parseRegex(source: string, flags = ''): RegexNode {
  if (flags.includes('u') || flags.includes('v')) throw new UnsupportedRegex('unicode-mode regex');
  return new Parser(source).parse();
}

class Parser {
  private pos = 0;
  private readonly groupCount: number;
  private readonly hasNamedGroups: boolean;

  constructor(private readonly src: string) {
    // Backreference vs octal escape depends on the total number of capturing groups (Annex B).
    let count = 0;
    let named = false;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') i++;
      else if (c === '[') {
        for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      } else if (c === '(') {
        if (src[i + 1] !== '?') count++;
        else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
          count++;
          named = true;
        }
      }
    }
    this.groupCount = count;
    this.hasNamedGroups = named;
  }

  parse(): RegexNode {
    const node = this.disjunction();
    if (this.pos < this.src.length) throw new UnsupportedRegex(`unexpected '${this.src[this.pos]}' at ${this.pos}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private disjunction(): RegexNode {
    const alternatives = [this.alternative()];
    while (this.peek() === '|') {
      this.pos++;
      alternatives.push(this.alternative());
    }
    return alternatives.length === 1 ? alternatives[0]! : { type: 'alt', alternatives };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.term();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  }

  private quantified(atom: RegexNode): RegexNode {
    // Annex B: a `{` that starts no quantifier is a literal (handled by term()).
    const q = readQuantifier(this.src, this.pos);
    if (!q) return atom;
    this.pos += q.length;
    if (atom.type === 'start' || atom.type === 'end' || atom.type === 'wordBoundary' || atom.type === 'look') {
      throw new UnsupportedRegex('quantified assertion');
    }
    return { type: 'repeat', min: q.min, max: q.max, lazy: q.lazy, body: atom };
  }

  private term(): RegexNode {
    const c = this.src[this.pos++]!;
    switch (c) {
      case '^':
        return { type: 'start' };
      case '$':
        return { type: 'end' };
      case '.':
        return { type: 'dot' };
      case '(':
        return this.group();
      case '[':
        return this.characterClass();
      case '\\':
        return this.atomEscape();
      case '*':
      case '+':
      case '?':
        throw new UnsupportedRegex('nothing to repeat');
      case '{':
        if (/^\d+(,\d*)?\}/.test(this.src.slice(this.pos))) throw new UnsupportedRegex('nothing to repeat');
        return { type: 'char', char: c };
      default:
        // In non-unicode mode an astral character is two UTF-16 units, each its own char node.
        return { type: 'char', char: c };
    }
  }

  private group(): RegexNode {
    let node: RegexNode;
    if (this.peek() === '?') {
      const kind = this.src.slice(this.pos, this.pos + 3);
      if (kind.startsWith('?:')) {
        this.pos += 2;
        node = { type: 'group', capturing: false, body: this.disjunction() };
      } else if (kind.startsWith('?=') || kind.startsWith('?!')) {
        this.pos += 2;
        node = { type: 'look', ahead: true, negated: kind[1] === '!', body: this.disjunction() };
      } else if (kind === '?<=' || kind === '?<!') {
        this.pos += 3;
        node = { type: 'look', ahead: false, negated: kind[2] === '!', body: this.disjunction() };
      } else if (kind.startsWith('?<')) {
        const m = /^\?<([A-Za-z_$][\w$]*)>/.exec(this.src.slice(this.pos));
        if (!m) throw new UnsupportedRegex('group name');
        this.pos += m[0].length;
        node = { type: 'group', capturing: true, name: m[1]!, body: this.disjunction() };
      } else throw new UnsupportedRegex(`group kind (${kind}`);
    } else node = { type: 'group', capturing: true, body: this.disjunction() };
    if (this.src[this.pos++] !== ')') throw new UnsupportedRegex('unterminated group');
    return node;
  }

  private atomEscape(): RegexNode {
    const c = this.src[this.pos];
    if (c === undefined) throw new UnsupportedRegex('trailing backslash');
    if (c === 'b' || c === 'B') {
      this.pos++;
      return { type: 'wordBoundary', negated: c === 'B' };
    }
    if (c >= '1' && c <= '9') {
      const m = /^\d+/.exec(this.src.slice(this.pos))!;
      const n = Number(m[0]);
      if (n > this.groupCount) throw new UnsupportedRegex('octal escape');
      this.pos += m[0].length;
      return { type: 'backref', ref: n };
    }
    if (c === 'k' && this.hasNamedGroups) {
      const m = /^k<([A-Za-z_$][\w$]*)>/.exec(this.src.slice(this.pos));
      if (!m) throw new UnsupportedRegex('named backreference');
      this.pos += m[0].length;
      return { type: 'backref', ref: m[1]! };
    }
    const escaped = this.characterEscape(false);
    return typeof escaped === 'string' ? { type: 'char', char: escaped } : { type: 'escape', escape: escaped.escape };
  }

  /** After a backslash: a single character, or a class escape (\d, \w, \s and their negations). */
  private characterEscape(inClass: boolean): string | { escape: ClassEscape } {
    const c = this.src[this.pos++]!;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return { escape: c };
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        if (/\d/.test(this.peek() ?? '')) throw new UnsupportedRegex('octal escape');
        return '\0';
      case 'c': {
        const letter = this.peek();
        if (!letter || !/[A-Za-z]/.test(letter)) throw new UnsupportedRegex('\\c escape');
        this.pos++;
        return String.fromCharCode(letter.charCodeAt(0) % 32);
      }
      case 'x': {
        const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos));
        if (!m) throw new UnsupportedRegex('\\x escape');
        this.pos += 2;
        return String.fromCharCode(parseInt(m[0], 16));
      }
      case 'u': {
        const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.pos));
        if (!m) throw new UnsupportedRegex('\\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(m[0], 16));
      }
      case 'b':
        if (inClass) return '\b';
        throw new UnsupportedRegex('\\b');
      default:
        if (c >= '1' && c <= '9') throw new UnsupportedRegex('octal escape');
        if (c === 'k' && this.hasNamedGroups) throw new UnsupportedRegex('\\k');
        // Identity escape: `\.` is `.`, and in non-unicode mode `\q` is `q`.
        return c;
    }
  }

  private characterClass(): RegexNode {
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    const items: ClassItem[] = [];
    const atom = (): ClassItem => {
      const c = this.src[this.pos++];
      if (c === undefined) throw new UnsupportedRegex('unterminated class');
      if (c !== '\\') return { kind: 'char', char: c };
      const e = this.characterEscape(true);
      return typeof e === 'string' ? { kind: 'char', char: e } : { kind: 'escape', escape: e.escape };
    };
    while (this.peek() !== ']') {
      if (this.pos >= this.src.length) throw new UnsupportedRegex('unterminated class');
      const from = atom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const to = atom();
        if (from.kind === 'char' && to.kind === 'char') {
          if (from.char > to.char) throw new UnsupportedRegex('range out of order');
          items.push({ kind: 'range', from: from.char, to: to.char });
        } else {
          // Annex B: a class escape next to `-` makes the `-` literal.
          items.push(from, { kind: 'char', char: '-' }, to);
        }
      } else items.push(from);
    }
    this.pos++;
    return { type: 'class', negated, items };
  }
}
