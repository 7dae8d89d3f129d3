import { parseRegex, UnsupportedRegex, type RegexNode } from './regex-syntax';

/**
 * Required literals: strings of which every match of a pattern contains at least one. A rule is skipped on
 * a line only when the line lacks all of them, so the set must be provably complete; when the parse is not
 * fully understood, there is no set and the rule always runs.
 */


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
