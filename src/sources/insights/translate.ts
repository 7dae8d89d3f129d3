import type { Rule } from '../../config/types';
import { requiredLiterals } from '../../matching/required-literals';
import { parseRegex, UnsupportedRegex, type ClassItem, type RegexNode } from '../../matching/regex-syntax';

/**
 * JavaScript rule patterns → a Logs Insights `filter` that keeps a SUPERSET of the lines the pattern
 * matches. The scan re-applies every JS regex (and the excludes) locally, so the server filter only has
 * to never drop a line the JS regex would match; it may keep extra ones.
 *
 * AWS does not name the regex engine behind `like /re/`, so the output sticks to syntax that Java's
 * java.util.regex and RE2 both read the same way, and widens wherever the two (or JavaScript) differ:
 * - `.` becomes `[^\n\r]` (JS `.` also excludes U+2028/2029; Java's excludes U+0085 too),
 * - `\s` becomes `[^!-~]` (Java's and RE2's `\s` are ASCII-only; JavaScript's also has Unicode spaces),
 * - zero-width assertions other than `^`/`$` (`\b`, lookarounds) are dropped, and `^`/`$` too under `m`,
 * - named and capturing groups become `(?:…)`, lazy quantifiers greedy, counts over 1000 open-ended (RE2's cap),
 * - the `i` flag becomes a leading `(?i)` and is refused with non-ASCII letters (Java folds ASCII only).
 * Anything else that could differ (backreferences, `u`/`v` flags, empty classes, `[^\S]`, case-insensitive
 * negated classes, lone surrogates, Annex B oddities) is refused: that rule gets no exact translation.
 */

/** StartQuery's queryString limit (API reference: length 0..10000). */
export const MAX_QUERY_CHARS = 10_000;

/** JavaScript's exact `\s` set, for negated classes (where widening would narrow the class). */
const JS_WHITESPACE = '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

class Refused extends Error {}

const isAsciiCaseless = (c: string) => c.charCodeAt(0) < 128 || c.toLowerCase() === c.toUpperCase();

function emitChar(c: string, ci: boolean): string {
  const code = c.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) throw new Refused('surrogate');
  if (ci && !isAsciiCaseless(c)) throw new Refused('non-ASCII letter under i');
  if (/[A-Za-z0-9]/.test(c) || c === ' ') return c;
  if (c === '\t') return '\\t';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\f') return '\\f';
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  if (code < 0x80) return `\\${c}`; // ASCII punctuation: a backslash escape is literal in Java and RE2 alike
  return c;
}

function emitClassItem(item: ClassItem, ci: boolean, negated: boolean): string {
  switch (item.kind) {
    case 'char':
      return emitChar(item.char, ci);
    case 'range':
      if (ci && (!isAsciiCaseless(item.from) || !isAsciiCaseless(item.to))) throw new Refused('non-ASCII range under i');
      return `${emitChar(item.from, false)}-${emitChar(item.to, false)}`;
    case 'escape':
      // Inside a positive class any superset will do: every control, space and non-ASCII character.
      if (item.escape === 's') return negated ? JS_WHITESPACE : '\\x00-\\x20\\x7F-\\x{10FFFF}';
      if (item.escape === 'S') {
        // Java's \S is wider than JS's: fine in a class, inverted (narrower) inside a negated one.
        if (negated) throw new Refused('[^\\S]');
        return '\\S';
      }
      return `\\${item.escape}`;
  }
}

function emit(node: RegexNode, flags: { ci: boolean; dotAll: boolean; multiline: boolean }): string {
  switch (node.type) {
    case 'char':
      return emitChar(node.char, flags.ci);
    case 'dot':
      return flags.dotAll ? '[\\s\\S]' : '[^\\n\\r]';
    case 'escape':
      // JS `\s` has no printable ASCII besides space: "not `!`..`~`" is a short superset in every dialect.
      return node.escape === 's' ? '[^!-~]' : `\\${node.escape}`;
    case 'class': {
      if (node.items.length === 0) {
        if (node.negated) return '[\\s\\S]';
        throw new Refused('empty class');
      }
      if (flags.ci && node.negated && node.items.some((i) => i.kind !== 'escape')) throw new Refused('negated class under i');
      return `[${node.negated ? '^' : ''}${node.items.map((i) => emitClassItem(i, flags.ci, node.negated)).join('')}]`;
    }
    case 'start':
      return flags.multiline ? '' : '^';
    case 'end':
      return flags.multiline ? '' : '$';
    case 'wordBoundary':
    case 'look':
      return '';
    case 'backref':
      throw new Refused('backreference');
    case 'group': {
      const body = emit(node.body, flags);
      return body === '' ? '' : `(?:${body})`;
    }
    case 'seq':
      return node.items.map((i) => emit(i, flags)).join('');
    case 'alt': {
      const alternatives = node.alternatives.map((a) => emit(a, flags));
      // An empty alternative matches everywhere, and so does the whole alternation.
      if (alternatives.some((a) => a === '')) return '';
      return alternatives.join('|');
    }
    case 'repeat': {
      const body = emit(node.body, flags);
      if (body === '') return '';
      const atom = isAtom(node.body) ? body : `(?:${body})`;
      const min = Math.min(node.min, 1000);
      const max = node.max > 1000 ? Infinity : node.max;
      if (min === 0 && max === Infinity) return `${atom}*`;
      if (min === 1 && max === Infinity) return `${atom}+`;
      if (min === 0 && max === 1) return `${atom}?`;
      if (max === Infinity) return `${atom}{${min},}`;
      if (min === max) return `${atom}{${min}}`;
      return `${atom}{${min},${max}}`;
    }
  }
}

const isAtom = (n: RegexNode) => n.type === 'char' || n.type === 'dot' || n.type === 'escape' || n.type === 'class' || n.type === 'group';

export type Translation =
  /** The whole pattern, widened where the dialects differ. */
  | { kind: 'regex'; filter: string }
  /** Only the rule's required literals (the pattern itself is not translatable). */
  | { kind: 'literals'; filter: string }
  | { kind: 'none'; reason: string };

/** One `@message like …` condition (or several joined by `or`) that keeps every line `pattern` matches. */
export function translatePattern(pattern: RegExp): Translation {
  let reason: string;
  try {
    const ast = parseRegex(pattern.source, pattern.flags);
    const flags = { ci: pattern.flags.includes('i'), dotAll: pattern.flags.includes('s'), multiline: pattern.flags.includes('m') };
    const body = emit(ast, flags);
    // A pattern that reduces to nothing (only assertions) keeps every line: no filter can help.
    if (body === '') return { kind: 'none', reason: 'pattern matches every line once assertions are dropped' };
    return { kind: 'regex', filter: `@message like /${flags.ci ? '(?i)' : ''}${body}/` };
  } catch (err) {
    if (!(err instanceof Refused) && !(err instanceof UnsupportedRegex)) throw err;
    reason = err.message;
  }
  const literals = requiredLiterals(pattern);
  if (!literals) return { kind: 'none', reason };
  const ci = pattern.flags.includes('i');
  try {
    const conds = literals.map((l) => `@message like /${ci ? '(?i)' : ''}${[...l].map((c) => emitChar(c, ci)).join('')}/`);
    return { kind: 'literals', filter: conds.join(' or ') };
  } catch (err) {
    if (err instanceof Refused) return { kind: 'none', reason: `${reason}; literals: ${err.message}` };
    throw err;
  }
}

export type FilterPlan = { ok: true; filter: string; exact: number; literal: number } | { ok: false; reason: string };

/**
 * The `filter` clause for a batch of log groups targeted by `rules` (any rule of any group in the batch):
 * ok only if EVERY rule translates, since a rule left out would have its lines dropped by the server.
 */
export function buildFilter(rules: readonly Rule[], maxChars = MAX_QUERY_CHARS - 200): FilterPlan {
  const conds = new Set<string>();
  let exact = 0;
  let literal = 0;
  const short = new Set<string>();
  for (const rule of rules) {
    const t = translatePattern(rule.pattern);
    if (t.kind === 'none') return { ok: false, reason: `rule ${rule.id}: ${t.reason}` };
    if (t.kind === 'regex') exact++;
    else literal++;
    conds.add(t.filter);
    // The literal form where a rule has one: shorter, still a superset.
    short.add((t.kind === 'regex' && translatePatternLiteralsOnly(rule.pattern)) || t.filter);
  }
  let filter = [...conds].join(' or ');
  if (filter.length > maxChars) {
    filter = [...short].join(' or ');
    if (filter.length > maxChars) return { ok: false, reason: `filter for ${rules.length} rules is ${filter.length} chars (max ${maxChars})` };
  }
  return { ok: true, filter, exact, literal };
}

function translatePatternLiteralsOnly(pattern: RegExp): string | undefined {
  const literals = requiredLiterals(pattern);
  if (!literals) return undefined;
  const ci = pattern.flags.includes('i');
  try {
    return literals.map((l) => `@message like /${ci ? '(?i)' : ''}${[...l].map((c) => emitChar(c, ci)).join('')}/`).join(' or ');
  } catch {
    return undefined;
  }
}
