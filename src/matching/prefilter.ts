import type { Rule } from '../config/types';
import { literalSearch } from './literal-search';
import { MATCH_WHOLE_CHARS } from './limits';

/**
 * A literal prefilter for rule patterns: most log lines contain none of the strings any rule needs, so one
 * pass over the line decides that no regex has to run at all.
 *
 * Soundness: a rule is skipped only when its pattern provably cannot match, i.e. the line lacks every
 * string of the rule's required set (each match of the pattern contains at least one of them). The set
 * comes from a parse of the JavaScript regex; anything the parser does not fully understand (the `u`/`v`
 * flags, octal escapes, quantified lookarounds, ...) gives the rule no required set, and such a rule
 * runs on every line. Hits also need the pattern to match (`matchEvent` checks it first), so a skipped
 * rule can never have produced a hit. Messages longer than matchEvent's head + tail window are never
 * prefiltered (matchEvent matches a spliced text there).
 */

// ---------------------------------------------------------------------------------------------------
// A parser for the JavaScript regex syntax (non-unicode mode, with the Annex B leniencies we accept).
// ---------------------------------------------------------------------------------------------------

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
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom; // Annex B: a `{` that starts no quantifier is a literal (handled by term())
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    const lazy = this.peek() === '?';
    if (lazy) this.pos++;
    if (atom.type === 'start' || atom.type === 'end' || atom.type === 'wordBoundary' || atom.type === 'look') {
      throw new UnsupportedRegex('quantified assertion');
    }
    return { type: 'repeat', min, max, lazy, body: atom };
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

// ---------------------------------------------------------------------------------------------------
// Required literals: strings of which every match contains at least one.
// ---------------------------------------------------------------------------------------------------

const MAX_EXACT = 16;
const MAX_SET = 16;
/** Literals shorter than this filter too little to be worth a check. */
const MIN_LITERAL = 2;

interface Info {
  /** Every string the node can match, when that set is small and known. */
  exact?: string[];
  /** Every match contains at least one of these. */
  req?: string[];
}

const isAsciiCaseless = (c: string) => c.charCodeAt(0) < 128 || c.toLowerCase() === c.toUpperCase();

function fromExact(exact: string[] | undefined): string[] | undefined {
  if (!exact || exact.includes('')) return undefined;
  return [...new Set(exact)];
}

function score(set: string[] | undefined): number {
  return set ? Math.min(...set.map((s) => s.length)) : -1;
}

/**
 * log10 of how often a line would contain one of the strings, from rough per-character frequencies of
 * log text: lower-case letters and spaces are everywhere (JSON keys like `"level"` are in every
 * structured line), capitals and digits less so. Only used to pick between sets that are all correct.
 */
function commonness(set: string[]): number {
  const p = (c: string) => (c === ' ' ? 0.15 : /[a-z]/.test(c) ? 0.06 : /[0-9]/.test(c) ? 0.03 : /[A-Z]/.test(c) ? 0.012 : 0.02);
  let total = 0;
  for (const s of set) {
    let logp = 0;
    for (const c of s) logp += Math.log10(p(c));
    total += 10 ** logp;
  }
  return Math.log10(total);
}

function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a || !b) return a ?? b;
  const [sa, sb] = [score(a), score(b)];
  // Too short to filter anything: the longer one wins; otherwise the one rarer in typical logs.
  if (Math.min(sa, sb) < MIN_LITERAL) return sa >= sb ? a : b;
  const [ca, cb] = [commonness(a), commonness(b)];
  if (ca !== cb) return ca < cb ? a : b;
  return b.length < a.length ? b : a;
}

function cross(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

function infoOf(node: RegexNode, ci: boolean): Info {
  switch (node.type) {
    case 'char':
      if (ci && !isAsciiCaseless(node.char)) return {};
      return { exact: [ci ? node.char.toLowerCase() : node.char] };
    case 'class': {
      if (node.negated || node.items.length > 4 || node.items.some((i) => i.kind !== 'char')) return {};
      const chars = node.items.map((i) => (i as { char: string }).char);
      if (ci && !chars.every(isAsciiCaseless)) return {};
      return { exact: [...new Set(chars.map((c) => (ci ? c.toLowerCase() : c)))] };
    }
    case 'start':
    case 'end':
    case 'wordBoundary':
    case 'look':
      return { exact: [''] };
    case 'dot':
    case 'escape':
    case 'backref':
      return {};
    case 'group':
      return infoOf(node.body, ci);
    case 'alt': {
      const infos = node.alternatives.map((a) => infoOf(a, ci));
      const exacts = infos.map((i) => i.exact);
      let exact: string[] | undefined;
      if (exacts.every((e) => e !== undefined)) {
        const union = [...new Set(exacts.flat() as string[])];
        if (union.length <= MAX_EXACT) exact = union;
      }
      const reqs = infos.map((i) => better(i.req, fromExact(i.exact)));
      let req: string[] | undefined;
      if (reqs.every((r) => r !== undefined)) {
        const union = [...new Set(reqs.flat() as string[])];
        if (union.length <= MAX_SET) req = union;
      }
      return { ...(exact ? { exact } : {}), ...(req ? { req } : {}) };
    }
    case 'repeat': {
      const inner = infoOf(node.body, ci);
      if (node.min === 0) return node.max === 1 && inner.exact ? { exact: [...new Set(['', ...inner.exact])] } : {};
      const req = better(inner.req, fromExact(inner.exact));
      let exact: string[] | undefined;
      if (node.min === node.max && inner.exact && node.min <= 8) {
        let acc = [''];
        for (let i = 0; i < node.min && acc; i++) {
          acc = acc.length * inner.exact.length <= MAX_EXACT ? cross(acc, inner.exact) : (undefined as unknown as string[]);
        }
        exact = acc;
      }
      return { ...(exact ? { exact } : {}), ...(req ? { req } : {}) };
    }
    case 'seq': {
      let run: string[] = [''];
      let whole = true;
      let best: string[] | undefined;
      for (const item of node.items) {
        const info = infoOf(item, ci);
        if (info.exact && run.length * info.exact.length <= MAX_EXACT) {
          run = cross(run, info.exact);
          continue;
        }
        whole = false;
        best = better(best, fromExact(run));
        best = better(best, info.req);
        run = info.exact ? info.exact : [''];
      }
      best = better(best, fromExact(run));
      return { ...(whole ? { exact: run } : {}), ...(best ? { req: best } : {}) };
    }
  }
}

/**
 * Strings of which every match of `pattern` contains at least one (lower-cased when the pattern has the
 * `i` flag: compare against the lower-cased line). Undefined when no useful set is provable.
 */
export function requiredLiterals(pattern: RegExp): string[] | undefined {
  let ast: RegexNode;
  try {
    ast = parseRegex(pattern.source, pattern.flags);
  } catch (err) {
    if (err instanceof UnsupportedRegex) return undefined;
    throw err;
  }
  const ci = pattern.flags.includes('i');
  const info = infoOf(ast, ci);
  const set = better(info.req, fromExact(info.exact));
  if (!set || score(set) < MIN_LITERAL) return undefined;
  return set;
}

// ---------------------------------------------------------------------------------------------------
// The prefilter itself.
// ---------------------------------------------------------------------------------------------------

export interface Prefilter {
  /** The rules whose pattern may match `message`, in the original order (a subset of the rules given). */
  candidates(message: string): readonly Rule[];
  /** Rules with no provable literal: they run on every line. */
  readonly alwaysRun: readonly Rule[];
}

interface Entry {
  rule: Rule;
  literals?: string[];
  ci: boolean;
}

/**
 * Compiles the combined check for a rule list: one search for every rule's literals at once (see
 * literal-search.ts), then, on the rare line that holds one, which rules' literals it holds.
 * `strategy: 'alternation'` is the plain one-RegExp search, for the benchmark's comparison.
 */
export function compilePrefilter(rules: readonly Rule[], opts: { strategy?: 'skip' | 'alternation' } = {}): Prefilter {
  const entries: Entry[] = rules.map((rule) => {
    const literals = requiredLiterals(rule.pattern);
    return { rule, ci: rule.pattern.flags.includes('i'), ...(literals ? { literals } : {}) };
  });
  const alwaysRun = entries.filter((e) => !e.literals).map((e) => e.rule);
  const filtered = entries.filter((e) => e.literals);
  if (filtered.length === 0) {
    const everything = [...rules];
    return { alwaysRun: everything, candidates: () => everything };
  }
  const anyLiteral = literalSearch(filtered.flatMap((e) => e.literals!.map((text) => ({ text, ci: e.ci }))), opts);
  const all = [...rules];
  const whole = MATCH_WHOLE_CHARS; // once, not per line (an import binding can be a getter under CommonJS)
  return {
    alwaysRun,
    candidates(message) {
      // matchEvent runs long messages' head + "\n" + tail, a text with a junction the message lacks: no skipping there.
      if (message.length > whole) return all;
      if (!anyLiteral(message)) return alwaysRun;
      let lower: string | undefined;
      const out: Rule[] = [];
      for (const e of entries) {
        if (!e.literals) out.push(e.rule);
        else if (e.ci) {
          lower ??= message.toLowerCase();
          if (e.literals.some((l) => lower!.includes(l))) out.push(e.rule);
        } else if (e.literals.some((l) => message.includes(l))) out.push(e.rule);
      }
      return out;
    },
  };
}

const cache = new Map<string, { rules: readonly Rule[]; prefilter: Prefilter }>();

/**
 * The prefilter for a rule list, compiled once per distinct list (the scan asks once per log group, and
 * most groups share a rule list). Keyed by the rules' identity, so a reloaded config compiles afresh.
 */
export function prefilterFor(rules: readonly Rule[]): Prefilter {
  const key = rules.map((r) => `${r.id}\u0000${r.pattern.source}\u0000${r.pattern.flags}`).join('\u0001');
  const hit = cache.get(key);
  if (hit && hit.rules.length === rules.length && hit.rules.every((r, i) => r === rules[i])) return hit.prefilter;
  const prefilter = compilePrefilter(rules);
  if (cache.size > 256) cache.clear();
  cache.set(key, { rules, prefilter });
  return prefilter;
}
