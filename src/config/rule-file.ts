import { isMap, isScalar, isSeq, type Pair } from 'yaml';
import { closestKey, unknownKeyMessage } from './closest-key';
import { describe, displayPath, rangeOf, stringValue, type YamlSource } from './parse-yaml';
import { checkRule, entryId, type CheckedRule, type RuleEntry } from './rule-schema';
import type { ConfigProblem, SourceLocation } from './types';

const FILE_KEYS = ['include', 'rules'] as const;
const PACK_FILE_KEYS = ['rules'] as const;
/** `include: packs/lambda` names `<config dir>/packs/lambda.yml`. */
export const INCLUDE_PATTERN = /^packs\/([a-z0-9][a-z0-9_-]*)$/;

/** A pack as loaded for a rule file: parsed, or why it could not be read. */
export type LoadedPack = { name: string; file: string; src: YamlSource } | { name: string; file: string; problem: ConfigProblem };

export interface RuleFileContext {
  /** Names from channels.yml `channels:`; undefined when there is no channels.yml. */
  channelNames?: ReadonlySet<string>;
  /** Looks a pack up by name; undefined when no such pack exists. */
  pack?: (name: string) => LoadedPack | undefined;
  /** Known pack names, for "did you mean" and the list in the message. */
  packNames?: readonly string[];
  /** Packs already included by an earlier file, and where: each pack may be included once. */
  included?: Map<string, SourceLocation>;
  /** Set when the file being checked is a pack itself. */
  packName?: string;
}

export interface CheckedRuleFile {
  rules: CheckedRule[];
  problems: ConfigProblem[];
  /** Packs this file pulled in (files, for summaries). */
  packFiles: string[];
}

/** The names a file includes, with the node to report at; problems for malformed entries. */
function readIncludes(src: YamlSource, pair: Pair | undefined, problems: ConfigProblem[]): Array<{ name: string; node: unknown }> {
  if (!pair) return [];
  const value = src.resolve(pair.value);
  const items = isSeq(value) ? value.items.map((i) => src.resolve(i)) : [value];
  if (isSeq(value) && items.length === 0) {
    problems.push(src.problem(value, `'include' must name at least one pack, e.g. include: packs/lambda`));
    return [];
  }
  const out: Array<{ name: string; node: unknown }> = [];
  for (const item of items) {
    const text = stringValue(item);
    const m = text === undefined ? null : INCLUDE_PATTERN.exec(text.trim());
    if (!m) {
      const at = isScalar(item) && item.value !== null ? item : pair.key;
      problems.push(src.problem(at, `'include' entries must look like packs/<name> (e.g. packs/lambda), got ${describe(item)}`));
      continue;
    }
    out.push({ name: m[1]!, node: item });
  }
  return out;
}

/**
 * Checks one rule file's top level and every rule in it, including the rules of the packs it includes;
 * bad rules never hide the good ones. A rule whose id is a rule of an included pack overrides it: its keys
 * replace the pack rule's, so `- id: lambda-timeout` + `enabled: false` switches that pack rule off.
 */
export function checkRuleFile(src: YamlSource, ctx: RuleFileContext = {}): CheckedRuleFile {
  const root = src.resolve(src.doc.contents);
  const problems: ConfigProblem[] = [];
  const packFiles: string[] = [];
  const isPack = ctx.packName !== undefined;
  const done = () => ({ rules: [], problems: [...src.syntaxProblems(), ...problems], packFiles });
  if (!isMap(root)) {
    problems.push(src.problem(root, `a rule file must be a mapping with a top-level 'rules:' list, got ${describe(root)}`));
    return done();
  }
  const keys = isPack ? PACK_FILE_KEYS : FILE_KEYS;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : describe(pair.key);
    if (isPack && key === 'include') problems.push(src.problem(pair.key, `a pack cannot include other packs; include both from the rule file instead`));
    else if (!(keys as readonly string[]).includes(key)) problems.push(src.problem(pair.key, unknownKeyMessage(key, keys)));
  }
  const findPair = (name: string) => root.items.find((p) => isScalar(p.key) && p.key.value === name);
  const includes = isPack ? [] : readIncludes(src, findPair('include'), problems);

  // Pack rules by id, in include order; each pack once across all files.
  const packRules: Array<{ id?: string; entry: RuleEntry; index: number; pack: string }> = [];
  const packProblems: ConfigProblem[] = [];
  const packSources: YamlSource[] = [];
  for (const { name, node } of includes) {
    const loaded = ctx.pack?.(name);
    if (!loaded) {
      const guess = closestKey(name, ctx.packNames ?? []);
      const known = ctx.packNames?.length ? ` (packs: ${ctx.packNames.join(', ')})` : ' (there is no packs/ directory)';
      problems.push(src.problem(node, `unknown pack 'packs/${name}'${guess ? `, did you mean 'packs/${guess}'?` : known}`));
      continue;
    }
    const first = ctx.included?.get(name);
    if (first) {
      problems.push(src.problem(node, `pack 'packs/${name}' is already included at ${displayPath(first.file)}:${first.line}:${first.col}; include each pack once`));
      continue;
    }
    ctx.included?.set(name, src.at(node));
    if ('problem' in loaded) {
      packProblems.push(loaded.problem);
      continue;
    }
    packFiles.push(loaded.file);
    packSources.push(loaded.src);
    const pack = checkPackShape(loaded.src, name);
    packProblems.push(...pack.problems);
    if (!pack.list) continue;
    pack.list.items.forEach((item, index) => packRules.push({ id: entryId(loaded.src, item), entry: { src: loaded.src, node: item }, index, pack: name }));
  }

  const rulesPair = findPair('rules');
  let ownItems: unknown[] = [];
  if (!rulesPair) {
    if (includes.length === 0) problems.push(src.problem(root, `missing top-level key 'rules'`));
  } else {
    const list = src.resolve(rulesPair.value);
    if (!isSeq(list)) {
      const at = isScalar(list) && list.value === null ? rulesPair.key : list;
      problems.push(src.problem(at, `'rules' must be a list of rules, got ${describe(list)}`));
    } else ownItems = list.items;
  }

  // Entries of this file that override a pack rule, by id.
  const packIds = new Set(packRules.map((r) => r.id).filter((id): id is string => id !== undefined));
  const overrides = new Map<string, { node: unknown; index: number }>();
  ownItems.forEach((node, index) => {
    const id = entryId(src, node);
    if (id !== undefined && packIds.has(id) && !overrides.has(id)) overrides.set(id, { node, index });
  });

  const results: CheckedRule[] = [];
  const ownSpans: Array<{ checked: CheckedRule; ruleId: string; start: number; end: number }> = [];
  const byPack = new Map<YamlSource, Array<{ checked: CheckedRule; ruleId: string; start: number; end: number }>>();
  for (const pr of packRules) {
    const override = pr.id === undefined ? undefined : overrides.get(pr.id);
    if (override) {
      const checked = checkRule(src, override.node, override.index, { channelNames: ctx.channelNames, base: pr.entry, pack: pr.pack });
      results.push(checked);
      ownSpans.push(span(src, override.node, checked, override.index));
    } else {
      const checked = checkRule(pr.entry.src, pr.entry.node, pr.index, { channelNames: ctx.channelNames, pack: pr.pack });
      results.push(checked);
      const list = byPack.get(pr.entry.src) ?? [];
      list.push(span(pr.entry.src, pr.entry.node, checked, pr.index));
      byPack.set(pr.entry.src, list);
    }
  }
  ownItems.forEach((node, index) => {
    const id = entryId(src, node);
    if (id !== undefined && overrides.get(id)?.node === node) return;
    const checked = checkRule(src, node, index, { channelNames: ctx.channelNames, ...(isPack ? { pack: ctx.packName } : {}) });
    results.push(checked);
    ownSpans.push(span(src, node, checked, index));
  });

  // yaml recovers from syntax errors, but a rule with an error inside it may have been read wrongly.
  const distrust = (where: YamlSource, spans: typeof ownSpans) => {
    for (const offset of where.errorOffsets()) {
      const s = spans.find((sp) => offset >= sp.start && offset <= sp.end);
      if (s) delete s.checked.rule;
    }
  };
  distrust(src, ownSpans);
  for (const [packSrc, spans] of byPack) distrust(packSrc, spans);
  const ruleAt = (spans: typeof ownSpans) => (offset: number) => spans.find((s) => offset >= s.start && offset <= s.end)?.ruleId;
  const packSyntax = packSources.flatMap((packSrc) => packSrc.syntaxProblems(ruleAt(byPack.get(packSrc) ?? [])));
  return {
    rules: results,
    problems: [...src.syntaxProblems(ruleAt(ownSpans)), ...problems, ...packSyntax, ...packProblems],
    packFiles,
  };
}

function span(src: YamlSource, node: unknown, checked: CheckedRule, index: number) {
  const range = rangeOf(src.resolve(node));
  const ruleId = checked.problems[0]?.ruleId ?? checked.id?.value ?? `#${index + 1}`;
  return { checked, ruleId, start: range?.[0] ?? -1, end: range?.[2] ?? -1 };
}

/** A pack file's top level: a mapping with a `rules:` list (and nothing else). */
function checkPackShape(src: YamlSource, name: string): { list?: { items: unknown[] }; problems: ConfigProblem[] } {
  const root = src.resolve(src.doc.contents);
  const problems: ConfigProblem[] = [];
  if (!isMap(root)) {
    problems.push(src.problem(root, `pack '${name}' must be a mapping with a top-level 'rules:' list, got ${describe(root)}`));
    return { problems };
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : describe(pair.key);
    if (key === 'include') problems.push(src.problem(pair.key, `a pack cannot include other packs; include both from the rule file instead`));
    else if (key !== 'rules') problems.push(src.problem(pair.key, unknownKeyMessage(key, PACK_FILE_KEYS)));
  }
  const rulesPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'rules');
  const list = rulesPair ? src.resolve(rulesPair.value) : undefined;
  if (!isSeq(list)) {
    problems.push(src.problem(rulesPair?.key ?? root, `pack '${name}' must have a 'rules:' list`));
    return { problems };
  }
  return { list, problems };
}
