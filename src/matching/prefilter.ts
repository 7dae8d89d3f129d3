import type { Rule } from '../config/types';
import { literalSearch } from './literal-search';
import { MATCH_WHOLE_CHARS } from './limits';
import { requiredLiterals } from './required-literals';

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
