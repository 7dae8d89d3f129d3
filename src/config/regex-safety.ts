// Static check for catastrophic (exponential) backtracking in rule regexes.
//
// Why a static check and not RE2: the `re2` npm package is a native addon (node-gyp build, no prebuilt
// binary can be downloaded here, and it would have to be built for the Lambda's arm64 runtime too) and it
// changes semantics: no lookbehind, no back references, different Unicode classes, so some valid rules
// would stop matching. Instead, every pattern/exclude/fields regex is checked here at validation time (a bad
// one fails `validate`, so it is never deployed), and src/matching bounds what a regex can cost at run time
// (bounded input, per-rule time budget, a watchdog that interrupts a stuck batch). See docs/rules.md.
//
// How: the regex is turned into a position (Glushkov) automaton that keeps one transition per *way* of
// getting from one position to the next, so `(a+)+` has two a→a transitions (inner and outer loop) even though
// they lead to the same place; a backtracking matcher explores each of them. The regex backtracks
// exponentially when some position can return to itself along two different transition paths that read the
// same text (the "EDA" criterion of Weideman et al.): that is searched for in the product of the automaton
// with itself, where a pair of transitions is followed when their character sets overlap. A strongly
// connected component of that product that holds a diagonal pair (q,q) and any pair of *different*
// transitions is exactly such a double cycle.
//
// Approximations, all on the safe side (they can only add reports): lookarounds' bodies are checked on their
// own, a back reference is "any text", `\p{..}` is "any character", and a bounded repetition larger than
// EXPAND_LIMIT is analysed as unbounded: `(.*a){20}` is polynomial of degree 20, which is catastrophic too.
// Polynomial backtracking of low degree (`.*a.*b` on long lines) is not reported: it is common in useful rules
// and is what the run-time bounds are for.

import { overlaps, parseRegex, type CharSet, type RegexNode } from './regex-ast';

/** Repetitions up to this count are unrolled exactly; larger ones are analysed as unbounded. */
const EXPAND_LIMIT = 10;
/** Above this many positions the regex is analysed with every repetition as a loop (smaller automaton). */
const MAX_POSITIONS = 400;
/** Product states explored before giving up (the check then reports nothing; run-time bounds still apply). */
const MAX_PRODUCT_STATES = 50_000;
/** Wall-clock limit for one analysis, for the same reason. */
const MAX_ANALYSIS_MS = 250;

export type BacktrackKind = 'nested-quantifier' | 'overlapping-alternatives' | 'bounded-repetition';

export interface BacktrackProblem {
  kind: BacktrackKind;
  /** The part of the source to look at, e.g. `(a+)+`. */
  fragment: string;
  /** Offset of the fragment in the source. */
  offset: number;
  /** One line: what is wrong and how to fix it, to follow "pattern " / "exclude[0] ". */
  message: string;
}

interface Edge {
  to: number;
  /** The repetition whose loop created this transition; undefined for plain concatenation. */
  via?: RegexNode & { type: 'repeat' };
  /** True when `via` is a bounded repetition analysed as unbounded. */
  approximated?: boolean;
}

interface Fragment {
  first: number[];
  last: number[];
  nullable: boolean;
}

const cache = new Map<string, BacktrackProblem | null>();

/** Why `source` may backtrack catastrophically, or undefined when it is fine. Assumes a valid regex. */
export function catastrophicBacktracking(source: string, flags = ''): BacktrackProblem | undefined {
  const key = `${flags}/${source}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let result: BacktrackProblem | undefined;
  try {
    result = analyse(source, flags);
  } catch {
    // The parser only sees regexes V8 accepted; should it still trip, the run-time bounds remain.
    result = undefined;
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, result ?? null);
  return result;
}

function analyse(source: string, flags: string): BacktrackProblem | undefined {
  const { root } = parseRegex(source, flags);
  const exact = estimate(root, false);
  if (exact > MAX_POSITIONS && estimate(root, true) > MAX_POSITIONS * 4) return undefined;
  const automaton = build(root, exact > MAX_POSITIONS);
  const found = findAmbiguity(automaton);
  if (!found) return undefined;
  const { via, kind } = found;
  const fragment = source.slice(via.start, via.end);
  return { kind, fragment, offset: via.start, message: describe(kind, fragment) };
}

function describe(kind: BacktrackKind, fragment: string): string {
  const shown = fragment.length > 60 ? `${fragment.slice(0, 57)}...` : fragment;
  switch (kind) {
    case 'nested-quantifier':
      return `may backtrack catastrophically (nested quantifier at "${shown}"); make the repeated part unable to match the same text in two ways, e.g. write (\\w+\\s?)+ as \\w+(?:\\s\\w+)*, or drop the inner quantifier`;
    case 'overlapping-alternatives':
      return `may backtrack catastrophically (repeated alternatives that can match the same text at "${shown}"); make the alternatives mutually exclusive, e.g. (a|ab)* instead of (a|a?b)*, or merge them into one character class`;
    case 'bounded-repetition':
      return `may backtrack catastrophically (large bounded repetition of a group that can match the same text in several ways at "${shown}"); use a narrower class than .* inside the group (e.g. [^,]*, instead of .*,) or a smaller count`;
  }
}

/** Positions `build` would create, without building. */
function estimate(node: RegexNode, loopsOnly: boolean): number {
  switch (node.type) {
    case 'char':
    case 'backref':
      return 1;
    case 'assert':
      return 0;
    case 'look':
    case 'group':
      return estimate(node.body, loopsOnly);
    case 'alt':
      return node.alts.reduce((n, a) => n + estimate(a, loopsOnly), 0);
    case 'seq':
      return node.items.reduce((n, a) => n + estimate(a, loopsOnly), 0);
    case 'repeat': {
      const body = estimate(node.body, loopsOnly);
      if (node.max === Infinity || node.max > EXPAND_LIMIT || (loopsOnly && node.max > 1)) return body;
      return body * node.max;
    }
  }
}

interface Automaton {
  sets: CharSet[];
  edges: Edge[][];
}

/** Glushkov construction that keeps one edge per way of reaching a position. */
function build(root: RegexNode, loopsOnly: boolean): Automaton {
  const sets: CharSet[] = [];
  const edges: Edge[][] = [];
  const link = (from: number[], to: number[], via?: RegexNode & { type: 'repeat' }, approximated?: boolean) => {
    for (const f of from) for (const t of to) edges[f]!.push({ to: t, ...(via ? { via } : {}), ...(approximated ? { approximated } : {}) });
  };

  const visit = (node: RegexNode): Fragment => {
    switch (node.type) {
      case 'char': {
        const p = sets.length;
        sets.push(node.set);
        edges.push([]);
        return { first: [p], last: [p], nullable: false };
      }
      case 'backref': {
        // Any text: a position matching anything, looping on itself.
        const p = sets.length;
        sets.push([[0, 0x10ffff]]);
        edges.push([]);
        const frag = { first: [p], last: [p], nullable: true };
        edges[p]!.push({ to: p });
        return frag;
      }
      case 'assert':
        return { first: [], last: [], nullable: true };
      case 'look':
        // Checked on its own (its loops can backtrack too), but it consumes nothing in the main path.
        visit(node.body);
        return { first: [], last: [], nullable: true };
      case 'group':
        return visit(node.body);
      case 'alt': {
        const parts = node.alts.map(visit);
        return {
          first: parts.flatMap((p) => p.first),
          last: parts.flatMap((p) => p.last),
          nullable: parts.some((p) => p.nullable),
        };
      }
      case 'seq':
        return sequence(node.items.map((item) => () => visit(item)));
      case 'repeat':
        return repeat(node);
    }
  };

  /** Concatenation of lazily built parts, linking every last to every reachable first. */
  const sequence = (parts: Array<() => Fragment>): Fragment => {
    let acc: Fragment = { first: [], last: [], nullable: true };
    for (const part of parts) {
      const f = part();
      link(acc.last, f.first);
      acc = {
        first: acc.nullable ? [...acc.first, ...f.first] : acc.first,
        last: f.nullable ? [...acc.last, ...f.last] : f.last,
        nullable: acc.nullable && f.nullable,
      };
    }
    return acc;
  };

  const repeat = (node: RegexNode & { type: 'repeat' }): Fragment => {
    const { min, max, body } = node;
    if (max === 0) return { first: [], last: [], nullable: true };
    const unbounded = max === Infinity;
    const approximated = !unbounded && (max > EXPAND_LIMIT || (loopsOnly && max > 1));
    if (unbounded || approximated) {
      // One copy and a loop: enough to see every ambiguity a longer run could have.
      const f = visit(body);
      link(f.last, f.first, node, approximated);
      return { first: f.first, last: f.last, nullable: f.nullable || min === 0 };
    }
    // R{min,max} unrolled as R…R (R (R …)?)? so that each count is read one way only, as V8 counts iterations.
    const optional = (remaining: number): Fragment => {
      if (remaining === 0) return { first: [], last: [], nullable: true };
      const inner = sequence([() => visit(body), () => optional(remaining - 1)]);
      return { ...inner, nullable: true };
    };
    const mandatory = Array.from({ length: min }, () => () => visit(body));
    return sequence([...mandatory, () => optional(max - min)]);
  };

  visit(root);
  return { sets, edges };
}

interface Found {
  via: RegexNode & { type: 'repeat' };
  kind: BacktrackKind;
}

/**
 * Looks for a position with two different same-text cycles, in the product automaton restricted to pairs
 * reachable from the diagonal. Returns the repetition to blame.
 */
function findAmbiguity({ sets, edges }: Automaton): Found | undefined {
  const n = sets.length;
  const overlapCache = new Map<number, boolean>();
  const overlap = (a: number, b: number) => {
    if (a === b) return true;
    const key = a < b ? a * n + b : b * n + a;
    let v = overlapCache.get(key);
    if (v === undefined) {
      v = overlaps(sets[a]!, sets[b]!);
      overlapCache.set(key, v);
    }
    return v;
  };

  // Only positions on some cycle can be the q of a q→q double cycle.
  const id = (p: number, q: number) => p * n + q;
  type ProductEdge = { to: number; e1: Edge; e2: Edge };
  const succ = new Map<number, ProductEdge[]>();
  const successors = (state: number): ProductEdge[] => {
    let out = succ.get(state);
    if (out) return out;
    out = [];
    const p = Math.floor(state / n);
    const q = state % n;
    for (const e1 of edges[p]!) {
      for (const e2 of edges[q]!) {
        if (overlap(e1.to, e2.to)) out.push({ to: id(e1.to, e2.to), e1, e2 });
      }
    }
    succ.set(state, out);
    return out;
  };

  // Tarjan's SCC, iterative, over states reachable from diagonal states of positions with a self-path.
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  let counter = 0;
  let result: Found | undefined;
  const deadline = Date.now() + MAX_ANALYSIS_MS;
  let gaveUp = false;

  const examine = (component: number[]) => {
    if (result) return;
    const members = new Set(component);
    if (!component.some((s) => Math.floor(s / n) === s % n)) return;
    const differing: ProductEdge[] = [];
    const all: ProductEdge[] = [];
    for (const s of component) {
      for (const e of successors(s)) {
        if (!members.has(e.to)) continue;
        all.push(e);
        if (e.e1 !== e.e2) differing.push(e);
      }
    }
    if (differing.length === 0) return;
    const vias = differing.flatMap((e) => [e.e1, e.e2]).filter((e) => e.via);
    const candidates = vias.length ? vias : all.flatMap((e) => [e.e1, e.e2]).filter((e) => e.via);
    if (candidates.length === 0) return;
    // Blame the outermost repetition involved: that is the construct to rewrite.
    const outer = candidates.reduce((best, e) => (span(e.via!) > span(best.via!) ? e : best));
    const via = outer.via!;
    const involved = all.flatMap((e) => [e.e1.via, e.e2.via]).filter((v): v is NonNullable<typeof v> => v !== undefined);
    const nested = involved.some((v) => v !== via && v.start >= via.start && v.end <= via.end);
    const kind: BacktrackKind = outer.approximated ? 'bounded-repetition' : nested ? 'nested-quantifier' : 'overlapping-alternatives';
    result = { via, kind };
  };

  const strongConnect = (root: number) => {
    const work: Array<{ state: number; next: number }> = [];
    const push = (s: number) => {
      index.set(s, counter);
      low.set(s, counter);
      counter++;
      stack.push(s);
      onStack.add(s);
      work.push({ state: s, next: 0 });
    };
    push(root);
    while (work.length) {
      if (counter > MAX_PRODUCT_STATES || ((counter & 1023) === 0 && Date.now() > deadline)) {
        gaveUp = true;
        return;
      }
      const frame = work[work.length - 1]!;
      const out = successors(frame.state);
      if (frame.next < out.length) {
        const to = out[frame.next++]!.to;
        if (!index.has(to)) push(to);
        else if (onStack.has(to)) low.set(frame.state, Math.min(low.get(frame.state)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.state, Math.min(low.get(parent.state)!, low.get(frame.state)!));
      if (low.get(frame.state) === index.get(frame.state)) {
        const component: number[] = [];
        let s: number;
        do {
          s = stack.pop()!;
          onStack.delete(s);
          component.push(s);
        } while (s !== frame.state);
        examine(component);
        if (result) return;
      }
    }
  };

  for (let q = 0; q < n && !result; q++) {
    if (edges[q]!.length === 0) continue;
    const start = id(q, q);
    if (!index.has(start)) strongConnect(start);
    if (gaveUp) return undefined;
  }
  return result;
}

function span(node: RegexNode): number {
  return node.end - node.start;
}
