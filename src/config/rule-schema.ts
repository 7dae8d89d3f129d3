import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { closestKey, unknownKeyMessage } from './closest-key';
import { logGroupPatternError } from './log-group-pattern';
import { describe, quoteHint, stringValue, type YamlSource } from './parse-yaml';
import { SEVERITIES, type ConfigProblem, type Rule, type Severity, type SourceLocation } from './types';

export const RULE_KEYS = ['id', 'description', 'severity', 'logGroups', 'pattern', 'exclude', 'flags'] as const;
export const REQUIRED_KEYS = ['id', 'description', 'severity', 'logGroups', 'pattern'] as const;
type RuleKey = (typeof RULE_KEYS)[number];

export const RULE_ID = /^[a-z0-9][a-z0-9._-]*$/;
export const ALLOWED_FLAGS = ['i', 'm', 's', 'u'] as const;
/** Flags that make `test()` stateful; the matcher reuses one RegExp for every line. */
const REJECTED_FLAGS: Record<string, string> = {
  g: 'global',
  y: 'sticky',
};

export interface CheckedRule {
  /** Present only when the rule has no problems. */
  rule?: Rule;
  problems: ConfigProblem[];
  /** The rule's id as written, for cross-file duplicate checks even when the rule is otherwise bad. */
  id?: { value: string; location: SourceLocation };
}

/** Validates one `rules:` item; every problem points at the key or value to edit. */
export function checkRule(src: YamlSource, rawNode: unknown, index: number): CheckedRule {
  const node = src.resolve(rawNode);
  const label = `#${index + 1}`;
  if (!isMap(node)) {
    const message = `a rule must be a mapping with keys ${REQUIRED_KEYS.join(', ')}, got ${describe(node)}`;
    return { problems: [src.problem(node, message, label)] };
  }

  const { pairs, keyProblems, suggested } = collectPairs(src, node);
  const idText = stringValue(src.resolve(pairs.get('id')?.value));
  const ruleId = idText ? idText : label;
  const problems: ConfigProblem[] = keyProblems.map((p) => ({ ...p, ruleId }));
  const report = (at: unknown, message: string, fallback?: unknown) =>
    problems.push(src.problem(at, message, ruleId, fallback));

  for (const key of REQUIRED_KEYS) {
    // A misspelt key already got "did you mean"; saying it is also missing would be noise.
    if (!pairs.has(key) && !suggested.has(key)) report(node, `missing required key '${key}'`);
  }

  // Empty values (`severity:`) have a zero-width position after the colon; the key reads better.
  const value = (key: RuleKey) => {
    const pair = pairs.get(key);
    return { node: src.resolve(pair?.value), at: isEmpty(pair?.value) ? pair?.key : pair?.value };
  };

  const id = value('id');
  if (pairs.has('id')) {
    if (idText === undefined) report(id.at, `id must be a string, got ${describe(id.node)}${quoteHint(id.node)}`);
    else if (!RULE_ID.test(idText)) {
      report(id.at, `id must match ${RULE_ID.source} (lowercase letters, digits, '.', '_', '-'), got '${idText}'`);
    }
  }

  const description = value('description');
  const descriptionText = stringValue(description.node)?.trim();
  if (pairs.has('description') && !descriptionText) {
    report(description.at, `description must be a non-empty string, got ${describe(description.node)}`);
  }

  const severity = value('severity');
  const severityText = stringValue(severity.node);
  const isSeverity = (s: string | undefined): s is Severity => SEVERITIES.includes(s as Severity);
  if (pairs.has('severity') && !isSeverity(severityText)) {
    report(severity.at, `severity must be one of ${SEVERITIES.join(', ')}, got ${describe(severity.node)}`);
  }

  const logGroups = checkLogGroups(src, value('logGroups'), pairs.has('logGroups'), report);

  const flags = checkFlags(value('flags'), pairs.has('flags'), report);

  const pattern = value('pattern');
  let compiled: RegExp | undefined;
  if (pairs.has('pattern')) {
    const text = stringValue(pattern.node);
    if (!text) report(pattern.at, `pattern must be a non-empty string, got ${describe(pattern.node)}${quoteHint(pattern.node)}`);
    else {
      const result = compile(text, flags);
      if ('error' in result) report(pattern.at, `pattern ${result.error}`);
      // A pattern that matches "" matches every line: one typo would flood the channel.
      else if (result.re.test('')) report(pattern.at, 'pattern matches the empty string, so it would match every log line');
      else compiled = result.re;
    }
  }

  const exclude = checkExclude(src, value('exclude'), pairs.has('exclude'), flags, report);

  const location = src.at(node);
  if (pairs.has('id') && idText) {
    const checked: CheckedRule = { problems, id: { value: idText, location: src.at(id.at) } };
    if (problems.length === 0 && compiled && logGroups && exclude && descriptionText && isSeverity(severityText)) {
      checked.rule = { id: idText, description: descriptionText, severity: severityText, logGroups, pattern: compiled, exclude, location };
    }
    return checked;
  }
  return { problems };
}

function collectPairs(src: YamlSource, map: YAMLMap) {
  const pairs = new Map<RuleKey, Pair>();
  const keyProblems: ConfigProblem[] = [];
  const suggested = new Set<string>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) keyProblems.push(src.problem(pair.key, `rule keys must be plain names, got ${describe(pair.key)}`));
    else if (!(RULE_KEYS as readonly string[]).includes(key)) {
      const guess = closestKey(key, RULE_KEYS);
      if (guess) suggested.add(guess);
      keyProblems.push(src.problem(pair.key, unknownKeyMessage(key, RULE_KEYS)));
    }
    // YAML itself reports a repeated key; the first one is the one validated.
    else if (!pairs.has(key as RuleKey)) pairs.set(key as RuleKey, pair);
  }
  return { pairs, keyProblems, suggested };
}

type Report = (at: unknown, message: string, fallback?: unknown) => void;
type Value = { node: unknown; at: unknown };

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === undefined));
}

function checkLogGroups(src: YamlSource, v: Value, present: boolean, report: Report): string[] | undefined {
  if (!present) return undefined;
  if (!isSeq(v.node)) {
    const hint = isScalar(v.node) && typeof v.node.value === 'string' ? ` (write a list: logGroups: ['${v.node.value}'])` : '';
    report(v.at, `logGroups must be a list of log group names or globs, got ${describe(v.node)}${hint}`);
    return undefined;
  }
  if (v.node.items.length === 0) {
    report(v.at, 'logGroups must list at least one log group name or glob');
    return undefined;
  }
  const groups: string[] = [];
  let ok = true;
  v.node.items.forEach((raw, i) => {
    const item = src.resolve(raw);
    const text = stringValue(item);
    const error = text === undefined ? `must be a string, got ${describe(item)}` : logGroupPatternError(text);
    if (error) {
      report(item, `logGroups[${i}] ${error}`, v.at);
      ok = false;
    } else groups.push(text!);
  });
  return ok ? groups : undefined;
}

/** Returns the flags to compile with; on problems, the valid subset so regex errors are still found. */
function checkFlags(v: Value, present: boolean, report: Report): string {
  if (!present) return '';
  const text = stringValue(v.node);
  if (text === undefined) {
    report(v.at, `flags must be a string of letters from ${ALLOWED_FLAGS.join(', ')} (e.g. flags: i), got ${describe(v.node)}`);
    return '';
  }
  let valid = '';
  for (const flag of text) {
    if (valid.includes(flag)) report(v.at, `flags repeats '${flag}'`);
    else if ((ALLOWED_FLAGS as readonly string[]).includes(flag)) valid += flag;
    else if (REJECTED_FLAGS[flag]) {
      const kind = REJECTED_FLAGS[flag];
      report(v.at, `flags must not contain '${flag}': a ${kind} regex keeps lastIndex between test() calls, so matches on later log lines would be missed`);
    } else report(v.at, `flags contains unknown flag '${flag}' (allowed: ${ALLOWED_FLAGS.join(', ')})`);
  }
  return valid;
}

function checkExclude(src: YamlSource, v: Value, present: boolean, flags: string, report: Report): RegExp[] | undefined {
  if (!present) return [];
  if (!isSeq(v.node)) {
    report(v.at, `exclude must be a list of regular expressions, got ${describe(v.node)}`);
    return undefined;
  }
  const out: RegExp[] = [];
  let ok = true;
  v.node.items.forEach((raw, i) => {
    const item = src.resolve(raw);
    const text = stringValue(item);
    const fail = (msg: string) => {
      report(item, `exclude[${i}] ${msg}`, v.at);
      ok = false;
    };
    if (!text) return fail(`must be a non-empty string, got ${describe(item)}${quoteHint(item)}`);
    const result = compile(text, flags);
    if ('error' in result) fail(result.error);
    else out.push(result.re);
  });
  return ok ? out : undefined;
}

/** The compiled regex, or what is wrong with it phrased to follow its name ("pattern <error>"). */
function compile(source: string, flags: string): { re: RegExp } | { error: string } {
  // `pattern: |` keeps the line break, and a regex ending in \n never matches a one-line message.
  if (source.endsWith('\n')) return { error: 'ends with a line break (a `|` or `>` block keeps it; use `|-` or `>-`)' };
  try {
    return { re: new RegExp(source, flags) };
  } catch (e) {
    // V8 says "Invalid regular expression: /(a/: Unterminated group"; the prefix repeats our wording.
    return { error: `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}
