import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { closestKey, unknownKeyMessage } from './closest-key';
import { formatDuration, parseDurationMs } from './durations';
import { compileCondition, ExpressionError } from './expression';
import { logGroupPatternError } from './log-group-pattern';
import { describe, quoteHint, stringValue, type YamlSource } from './parse-yaml';
import { parseRegex } from './regex-ast';
import { catastrophicBacktracking } from './regex-safety';
import {
  RUNTIME_VARIABLES,
  SEVERITIES,
  type Condition,
  type ConfigProblem,
  type FieldCondition,
  type Rule,
  type Severity,
  type SourceLocation,
} from './types';

export const RULE_KEYS = [
  'id',
  'description',
  'severity',
  'logGroups',
  'pattern',
  'exclude',
  'flags',
  'enabled',
  'owner',
  'runbook',
  'mention',
  'channel',
  'realert',
  'resolve',
  'threshold',
  'groupBy',
  'fields',
  'when',
] as const;
/** Always required. `pattern` is required too unless the rule has `fields` (it then matches JSON lines only). */
export const REQUIRED_KEYS = ['id', 'description', 'severity', 'logGroups'] as const;
type RuleKey = (typeof RULE_KEYS)[number];

export const RULE_ID = /^[a-z0-9][a-z0-9._-]*$/;
export const ALLOWED_FLAGS = ['i', 'm', 's', 'u'] as const;
/** Flags that make `test()` stateful; the matcher reuses one RegExp for every line. */
const REJECTED_FLAGS: Record<string, string> = {
  g: 'global',
  y: 'sticky',
};

/** A rule with `fields` and no `pattern` matches lines that look like a JSON object; the fields decide. */
export const JSON_LINE_PATTERN = /^\s*\{/;

const THRESHOLD_KEYS = ['count', 'within'] as const;
const LIMITS = {
  realert: { min: 0, max: 7 * 86_400_000 },
  resolve: { min: 60_000, max: 7 * 86_400_000 },
  within: { min: 60_000, max: 86_400_000 },
  count: { min: 1, max: 100_000 },
  groupBy: 5,
  fields: 20,
  owner: 200,
};
const RUNBOOK_MAX = 2000;

export interface CheckedRule {
  /** Present only when the rule has no problems. */
  rule?: Rule;
  /** False when the rule says `enabled: false`: it is validated like any other but not scanned. */
  enabled: boolean;
  problems: ConfigProblem[];
  /** The rule's id as written, for cross-file duplicate checks even when the rule is otherwise bad. */
  id?: { value: string; location: SourceLocation };
}

/** A rules: entry and the file it is in. */
export interface RuleEntry {
  src: YamlSource;
  node: unknown;
}

export interface RuleContext {
  /** Names from channels.yml `channels:`; undefined when there is no channels.yml. */
  channelNames?: ReadonlySet<string>;
  /** The pack rule this entry overrides: its keys are the base, the entry's keys replace them. */
  base?: RuleEntry;
  /** Set when checking a pack's own rules. */
  pack?: string;
}

interface Sourced {
  pair: Pair;
  src: YamlSource;
}

/** Validates one `rules:` item; every problem points at the key or value to edit. */
export function checkRule(src: YamlSource, rawNode: unknown, index: number, ctx: RuleContext = {}): CheckedRule {
  const node = src.resolve(rawNode);
  const label = `#${index + 1}`;
  if (!isMap(node)) {
    const message = `a rule must be a mapping with keys ${[...REQUIRED_KEYS, 'pattern'].join(', ')}, got ${describe(node)}`;
    return { enabled: true, problems: [src.problem(node, message, label)] };
  }

  const own = collectPairs(src, node);
  const keyProblems = [...own.keyProblems];
  const suggested = new Set(own.suggested);
  const pairs = new Map<RuleKey, Sourced>();
  if (ctx.base) {
    const baseNode = ctx.base.src.resolve(ctx.base.node);
    if (isMap(baseNode)) {
      const base = collectPairs(ctx.base.src, baseNode);
      for (const [k, v] of base.pairs) pairs.set(k, v);
      keyProblems.push(...base.keyProblems);
      for (const k of base.suggested) suggested.add(k);
    }
  }
  for (const [k, v] of own.pairs) pairs.set(k, v);

  const idPair = pairs.get('id');
  const idText = idPair ? stringValue(idPair.src.resolve(idPair.pair.value)) : undefined;
  const ruleId = idText ? idText : label;
  const problems: ConfigProblem[] = keyProblems.map((p) => ({ ...p, ruleId }));
  const reportIn = (where: YamlSource, at: unknown, message: string, fallback?: unknown) =>
    problems.push(where.problem(at, message, ruleId, fallback));
  const reportRule = (message: string) => reportIn(src, node, message);

  for (const key of REQUIRED_KEYS) {
    // A misspelt key already got "did you mean"; saying it is also missing would be noise.
    if (!pairs.has(key) && !suggested.has(key)) reportRule(`missing required key '${key}'`);
  }
  if (!pairs.has('pattern') && !pairs.has('fields') && !suggested.has('pattern') && !suggested.has('fields')) {
    reportRule(`missing required key 'pattern' (or 'fields', to match JSON log lines)`);
  }

  // Empty values (`severity:`) have a zero-width position after the colon; the key reads better.
  const value = (key: RuleKey): Value => {
    const sourced = pairs.get(key);
    const where = sourced?.src ?? src;
    const raw = sourced?.pair.value;
    const report: Report = (at, message, fallback) => reportIn(where, at, message, fallback);
    return { node: where.resolve(raw), at: isEmpty(raw) ? sourced?.pair.key : raw, src: where, report, present: sourced !== undefined };
  };

  const id = value('id');
  if (id.present) {
    if (idText === undefined) id.report(id.at, `id must be a string, got ${describe(id.node)}${quoteHint(id.node)}`);
    else if (!RULE_ID.test(idText)) {
      id.report(id.at, `id must match ${RULE_ID.source} (lowercase letters, digits, '.', '_', '-'), got '${idText}'`);
    }
  }

  const description = value('description');
  const descriptionText = stringValue(description.node)?.trim();
  if (description.present && !descriptionText) {
    description.report(description.at, `description must be a non-empty string, got ${describe(description.node)}`);
  }

  const severity = value('severity');
  const severityText = stringValue(severity.node);
  const isSeverity = (s: string | undefined): s is Severity => SEVERITIES.includes(s as Severity);
  if (severity.present && !isSeverity(severityText)) {
    severity.report(severity.at, `severity must be one of ${SEVERITIES.join(', ')}, got ${describe(severity.node)}`);
  }

  const logGroups = checkLogGroups(value('logGroups'));
  const flags = checkFlags(value('flags'));

  const pattern = value('pattern');
  let compiled: RegExp | undefined;
  if (pattern.present) {
    const text = stringValue(pattern.node);
    if (!text) pattern.report(pattern.at, `pattern must be a non-empty string, got ${describe(pattern.node)}${quoteHint(pattern.node)}`);
    else {
      const result = compile(text, flags);
      if ('error' in result) pattern.report(pattern.at, `pattern ${result.error}`);
      // A pattern that matches "" matches every line: one typo would flood the channel.
      else if (result.re.test('')) pattern.report(pattern.at, 'pattern matches the empty string, so it would match every log line');
      else compiled = result.re;
    }
  }

  const exclude = checkExclude(value('exclude'), flags);
  const enabled = checkEnabled(value('enabled'));
  const owner = checkOwner(value('owner'));
  const runbook = checkRunbook(value('runbook'));
  const mention = checkMention(value('mention'));
  const channel = checkChannel(value('channel'), ctx.channelNames);
  const realertMs = checkDuration(value('realert'), 'realert', LIMITS.realert);
  const resolveMs = checkDuration(value('resolve'), 'resolve', LIMITS.resolve);
  const threshold = checkThreshold(value('threshold'));
  const fields = checkFields(value('fields'));

  // Names `groupBy` and `when` may use: the pattern's named captures, and (for JSON rules) field paths.
  const captures = compiled ? parseRegex(compiled.source, compiled.flags).groupNames : [];
  const structured = fields.present;
  const groupBy = checkGroupBy(value('groupBy'), captures, structured, compiled !== undefined || !pattern.present);
  const when = checkWhen(value('when'), captures, structured, compiled !== undefined || !pattern.present);

  const location = src.at(node);
  const checked: CheckedRule = { enabled: enabled ?? true, problems };
  if (!id.present || !idText) return checked;
  checked.id = { value: idText, location: id.src.at(id.at) };
  const patternOk = compiled ?? (!pattern.present && fields.conditions ? JSON_LINE_PATTERN : undefined);
  if (problems.length === 0 && patternOk && logGroups && exclude && descriptionText && isSeverity(severityText)) {
    const rule: Rule = { id: idText, description: descriptionText, severity: severityText, logGroups, pattern: patternOk, exclude, location };
    if (owner !== undefined) rule.owner = owner;
    if (runbook !== undefined) rule.runbook = runbook;
    if (mention !== undefined) rule.mention = mention;
    if (channel !== undefined) rule.channel = channel;
    if (realertMs !== undefined) rule.realertMs = realertMs;
    if (resolveMs !== undefined) rule.resolveMs = resolveMs;
    if (threshold) rule.threshold = threshold;
    if (groupBy) rule.groupBy = groupBy;
    if (fields.conditions) rule.fields = fields.conditions;
    if (when) rule.when = when;
    if (ctx.pack) rule.pack = ctx.pack;
    checked.rule = rule;
  }
  return checked;
}

/** Every key of a rule mapping; unknown keys are problems (with a suggestion) and not returned. */
export function collectPairs(src: YamlSource, map: YAMLMap) {
  const pairs = new Map<RuleKey, Sourced>();
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
    else if (!pairs.has(key as RuleKey)) pairs.set(key as RuleKey, { pair, src });
  }
  return { pairs, keyProblems, suggested };
}

/** The id an entry declares, without validating anything else (for pack overrides). */
export function entryId(src: YamlSource, rawNode: unknown): string | undefined {
  const node = src.resolve(rawNode);
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'id');
  return pair ? stringValue(src.resolve(pair.value)) : undefined;
}

type Report = (at: unknown, message: string, fallback?: unknown) => void;
interface Value {
  node: unknown;
  at: unknown;
  src: YamlSource;
  report: Report;
  present: boolean;
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === undefined));
}

function checkLogGroups(v: Value): string[] | undefined {
  if (!v.present) return undefined;
  if (!isSeq(v.node)) {
    const hint = isScalar(v.node) && typeof v.node.value === 'string' ? ` (write a list: logGroups: ['${v.node.value}'])` : '';
    v.report(v.at, `logGroups must be a list of log group names or globs, got ${describe(v.node)}${hint}`);
    return undefined;
  }
  if (v.node.items.length === 0) {
    v.report(v.at, 'logGroups must list at least one log group name or glob');
    return undefined;
  }
  const groups: string[] = [];
  let ok = true;
  v.node.items.forEach((raw, i) => {
    const item = v.src.resolve(raw);
    const text = stringValue(item);
    const error = text === undefined ? `must be a string, got ${describe(item)}` : logGroupPatternError(text);
    if (error) {
      v.report(item, `logGroups[${i}] ${error}`, v.at);
      ok = false;
    } else groups.push(text!);
  });
  return ok ? groups : undefined;
}

/** Returns the flags to compile with; on problems, the valid subset so regex errors are still found. */
function checkFlags(v: Value): string {
  if (!v.present) return '';
  const text = stringValue(v.node);
  if (text === undefined) {
    v.report(v.at, `flags must be a string of letters from ${ALLOWED_FLAGS.join(', ')} (e.g. flags: i), got ${describe(v.node)}`);
    return '';
  }
  let valid = '';
  for (const flag of text) {
    if (valid.includes(flag)) v.report(v.at, `flags repeats '${flag}'`);
    else if ((ALLOWED_FLAGS as readonly string[]).includes(flag)) valid += flag;
    else if (REJECTED_FLAGS[flag]) {
      const kind = REJECTED_FLAGS[flag];
      v.report(v.at, `flags must not contain '${flag}': a ${kind} regex keeps lastIndex between test() calls, so matches on later log lines would be missed`);
    } else v.report(v.at, `flags contains unknown flag '${flag}' (allowed: ${ALLOWED_FLAGS.join(', ')})`);
  }
  return valid;
}

function checkExclude(v: Value, flags: string): RegExp[] | undefined {
  if (!v.present) return [];
  if (!isSeq(v.node)) {
    v.report(v.at, `exclude must be a list of regular expressions, got ${describe(v.node)}`);
    return undefined;
  }
  const out: RegExp[] = [];
  let ok = true;
  v.node.items.forEach((raw, i) => {
    const item = v.src.resolve(raw);
    const text = stringValue(item);
    const fail = (msg: string) => {
      v.report(item, `exclude[${i}] ${msg}`, v.at);
      ok = false;
    };
    if (!text) return fail(`must be a non-empty string, got ${describe(item)}${quoteHint(item)}`);
    const result = compile(text, flags);
    if ('error' in result) fail(result.error);
    else out.push(result.re);
  });
  return ok ? out : undefined;
}

/**
 * The compiled regex, or what is wrong with it phrased to follow its name ("pattern <error>"): not a valid
 * regex, or one that may backtrack catastrophically (see regex-safety.ts).
 */
function compile(source: string, flags: string): { re: RegExp } | { error: string } {
  // `pattern: |` keeps the line break, and a regex ending in \n never matches a one-line message.
  if (source.endsWith('\n')) return { error: 'ends with a line break (a `|` or `>` block keeps it; use `|-` or `>-`)' };
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    // V8 says "Invalid regular expression: /(a/: Unterminated group"; the prefix repeats our wording.
    return { error: `is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  const backtracking = catastrophicBacktracking(source, flags);
  if (backtracking) return { error: backtracking.message };
  return { re };
}

function checkEnabled(v: Value): boolean | undefined {
  if (!v.present) return undefined;
  if (isScalar(v.node) && typeof v.node.value === 'boolean') return v.node.value;
  v.report(v.at, `enabled must be true or false, got ${describe(v.node)}`);
  return undefined;
}

function checkOwner(v: Value): string | undefined {
  if (!v.present) return undefined;
  const text = stringValue(v.node)?.trim();
  if (!text) v.report(v.at, `owner must be a non-empty string (a team or person to ask), got ${describe(v.node)}${quoteHint(v.node)}`);
  else if (text.length > LIMITS.owner) v.report(v.at, `owner must be at most ${LIMITS.owner} characters, got ${text.length}`);
  else return text;
  return undefined;
}

function checkRunbook(v: Value): string | undefined {
  if (!v.present) return undefined;
  const text = stringValue(v.node)?.trim();
  if (!text) {
    v.report(v.at, `runbook must be an http(s) URL, got ${describe(v.node)}`);
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    v.report(v.at, `runbook must be an http(s) URL such as https://wiki.example.com/runbooks/lambda-timeout, got '${text}'`);
  } else if (/[\s<>|]/.test(text)) {
    // Slack links are written <url|label>: these characters would break the link.
    v.report(v.at, `runbook must not contain spaces or the characters < > | (percent-encode them), got '${text}'`);
  } else if (text.length > RUNBOOK_MAX) {
    v.report(v.at, `runbook must be at most ${RUNBOOK_MAX} characters`);
  } else return text;
  return undefined;
}

/** Slack mention syntax, normalised: `here`, `channel`, `U123ABC` (a user) or `subteam^S123ABC` (a user group). */
export function normaliseMention(text: string): string | undefined {
  const t = text.trim();
  const special = /^(?:@|<!)?(here|channel)>?$/.exec(t);
  if (special && (t.startsWith('<!') === t.endsWith('>'))) return special[1];
  const user = /^(?:<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|([UW][A-Z0-9]{2,}))$/.exec(t);
  if (user) return user[1] ?? user[2];
  const group = /^(?:<!subteam\^(S[A-Z0-9]{2,})(?:\|[^>]*)?>|(?:subteam\^)?(S[A-Z0-9]{2,}))$/.exec(t);
  if (group) return `subteam^${group[1] ?? group[2]}`;
  return undefined;
}

function checkMention(v: Value): string | undefined {
  if (!v.present) return undefined;
  const text = stringValue(v.node);
  const normalised = text === undefined ? undefined : normaliseMention(text);
  if (normalised === undefined) {
    const name = text !== undefined && /^@[\w.-]+$/.test(text.trim()) && !/^@(here|channel)$/.test(text.trim())
      ? ` (Slack needs ids, not names: find the member or user group id in Slack, e.g. <@U024BE7LH> or <!subteam^SAZ94GDB8>)`
      : '';
    v.report(v.at, `mention must be here, channel, a user as <@U…> or a user group as <!subteam^S…>, got ${describe(v.node)}${name}`);
  }
  return normalised;
}

function checkChannel(v: Value, names: ReadonlySet<string> | undefined): string | undefined {
  if (!v.present) return undefined;
  const text = stringValue(v.node)?.trim();
  if (!text) {
    v.report(v.at, `channel must be the name of a channel in channels.yml, got ${describe(v.node)}`);
    return undefined;
  }
  if (!names) {
    v.report(v.at, `channel '${text}' cannot be resolved: there is no channels.yml next to the rules directory`);
    return text;
  }
  if (!names.has(text)) {
    const guess = closestKey(text, [...names]);
    const known = names.size ? ` (channels: ${[...names].join(', ')})` : ' (channels.yml defines no channels:)';
    v.report(v.at, `channel '${text}' is not defined in channels.yml${guess ? `, did you mean '${guess}'?` : known}`);
  }
  return text;
}

function checkDuration(v: Value, name: string, limits: { min: number; max: number }): number | undefined {
  if (!v.present) return undefined;
  const text = isScalar(v.node) && (typeof v.node.value === 'string' || typeof v.node.value === 'number') ? String(v.node.value) : undefined;
  const ms = text === undefined ? undefined : parseDurationMs(text);
  if (ms === undefined) {
    const hint = isScalar(v.node) && typeof v.node.value === 'number' ? ` (add a unit: ${v.node.value}m)` : '';
    v.report(v.at, `${name} must be a duration like 90s, 30m, 3h or 1d, got ${describe(v.node)}${hint}`);
    return undefined;
  }
  if (ms < limits.min || ms > limits.max) {
    v.report(v.at, `${name} must be from ${formatDuration(limits.min)} to ${formatDuration(limits.max)}, got ${text}`);
    return undefined;
  }
  return ms;
}

function checkThreshold(v: Value): { count: number; withinMs: number } | undefined {
  if (!v.present) return undefined;
  if (!isMap(v.node)) {
    v.report(v.at, `threshold must be a mapping like { count: 5, within: 10m }, got ${describe(v.node)}`);
    return undefined;
  }
  let count: number | undefined;
  let withinMs: number | undefined;
  let countSeen = false;
  let withinSeen = false;
  for (const pair of v.node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : describe(pair.key);
    const item = v.src.resolve(pair.value);
    const at = isEmpty(pair.value) ? pair.key : pair.value;
    if (key === 'count') {
      countSeen = true;
      const n = isScalar(item) ? item.value : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < LIMITS.count.min || n > LIMITS.count.max) {
        v.report(at, `threshold.count must be a whole number from ${LIMITS.count.min} to ${LIMITS.count.max}, got ${describe(item)}`);
      } else count = n;
    } else if (key === 'within') {
      withinSeen = true;
      withinMs = checkDuration({ ...v, node: item, at, present: true }, 'threshold.within', LIMITS.within);
    } else v.report(pair.key, `threshold: ${unknownKeyMessage(key, THRESHOLD_KEYS)}`);
  }
  if (!countSeen) v.report(v.at, `threshold is missing 'count' (hits needed to alert)`);
  if (!withinSeen) v.report(v.at, `threshold is missing 'within' (how long the hits may take, e.g. 10m)`);
  return count !== undefined && withinMs !== undefined ? { count, withinMs } : undefined;
}

const PATH_SEGMENT = /^[^.\s]+$/;
const MAX_PATH_SEGMENTS = 10;

/** Why a dotted field path is malformed, or undefined. */
function pathError(path: string): string | undefined {
  if (path.trim() === '') return 'is empty';
  const segments = path.split('.');
  if (segments.length > MAX_PATH_SEGMENTS) return `has more than ${MAX_PATH_SEGMENTS} parts`;
  if (!segments.every((s) => PATH_SEGMENT.test(s))) return "must be names separated by single dots, without spaces (e.g. 'error.type')";
  return undefined;
}

/** `/re/flags` in a fields value: a regex; anything else is compared as text. */
const REGEX_LITERAL = /^\/(.*)\/([a-z]*)$/s;

function checkFields(v: Value): { present: boolean; conditions?: FieldCondition[] } {
  if (!v.present) return { present: false };
  if (!isMap(v.node) || v.node.items.length === 0) {
    v.report(v.at, `fields must be a non-empty mapping of JSON field paths to values, e.g. { level: ERROR, "error.type": "/Timeout/" }, got ${describe(v.node)}`);
    return { present: true };
  }
  if (v.node.items.length > LIMITS.fields) v.report(v.at, `fields must have at most ${LIMITS.fields} entries`);
  const conditions: FieldCondition[] = [];
  let ok = true;
  const seen = new Set<string>();
  for (const pair of v.node.items) {
    const path = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const at = isEmpty(pair.value) ? pair.key : pair.value;
    if (path === undefined) {
      v.report(pair.key, `fields keys must be field paths like level or error.type, got ${describe(pair.key)}`);
      ok = false;
      continue;
    }
    const bad = pathError(path);
    if (bad) {
      v.report(pair.key, `field path '${path}' ${bad}`);
      ok = false;
      continue;
    }
    if (seen.has(path)) continue; // YAML reports the repeated key
    seen.add(path);
    const item = v.src.resolve(pair.value);
    const one = (node: unknown): { equals?: string; matches?: RegExp } | undefined => {
      if (!isScalar(node) || node.value === null || node.value === undefined || typeof node.value === 'object') {
        v.report(isScalar(node) && node.value !== null ? node : at, `field '${path}' must be a value to compare (text, number, true/false, or /regex/), got ${describe(node)}`, at);
        return undefined;
      }
      const text = String(node.value);
      const literal = typeof node.value === 'string' ? REGEX_LITERAL.exec(text) : null;
      if (!literal) return { equals: text };
      const [, body, flags] = literal;
      const badFlag = [...flags!].find((f) => !(ALLOWED_FLAGS as readonly string[]).includes(f));
      if (badFlag) {
        v.report(node, `field '${path}' regex has flag '${badFlag}' (allowed: ${ALLOWED_FLAGS.join(', ')})`);
        return undefined;
      }
      if (!body) {
        v.report(node, `field '${path}' regex is empty`);
        return undefined;
      }
      const result = compile(body, flags!);
      if ('error' in result) {
        v.report(node, `field '${path}' regex ${result.error}`);
        return undefined;
      }
      return { matches: result.re };
    };
    if (isSeq(item)) {
      if (item.items.length === 0) {
        v.report(at, `field '${path}' must list at least one value`);
        ok = false;
        continue;
      }
      const options = item.items.map((x) => one(v.src.resolve(x)));
      if (options.some((o) => o === undefined)) ok = false;
      else conditions.push({ path, anyOf: options as Array<{ equals?: string; matches?: RegExp }> });
    } else {
      const single = one(item);
      if (!single) ok = false;
      else conditions.push({ path, ...single });
    }
  }
  return ok ? { present: true, conditions } : { present: true };
}

function knownNamesHint(captures: string[], structured: boolean): string {
  const parts: string[] = [];
  parts.push(captures.length ? `named captures: ${captures.join(', ')}` : 'the pattern has no named captures');
  if (!structured) parts.push('add fields: to use JSON fields');
  return parts.join('; ');
}

function checkGroupBy(v: Value, captures: string[], structured: boolean, canCheck: boolean): string[] | undefined {
  if (!v.present) return undefined;
  const items = isSeq(v.node) ? v.node.items : isScalar(v.node) && typeof v.node.value === 'string' ? undefined : null;
  if (items === null || items === undefined) {
    const hint = isScalar(v.node) && typeof v.node.value === 'string' ? ` (write a list: groupBy: [${v.node.value}])` : '';
    v.report(v.at, `groupBy must be a list of named captures or JSON field paths, got ${describe(v.node)}${hint}`);
    return undefined;
  }
  if (items.length === 0 || items.length > LIMITS.groupBy) {
    v.report(v.at, `groupBy must list 1 to ${LIMITS.groupBy} names`);
    return undefined;
  }
  const names: string[] = [];
  let ok = true;
  items.forEach((raw, i) => {
    const item = v.src.resolve(raw);
    const text = stringValue(item)?.trim();
    if (!text) {
      v.report(item, `groupBy[${i}] must be a name, got ${describe(item)}`, v.at);
      ok = false;
      return;
    }
    if (captures.includes(text)) {
      names.push(text);
      return;
    }
    if (structured) {
      const bad = pathError(text);
      if (bad) {
        v.report(item, `groupBy[${i}] '${text}' ${bad}`, v.at);
        ok = false;
      } else names.push(text);
      return;
    }
    if (!canCheck) return; // the pattern has its own problem; no point guessing at captures
    const guess = closestKey(text, captures);
    v.report(item, `groupBy[${i}] '${text}' is not a named capture of the pattern${guess ? `, did you mean '${guess}'?` : ` (${knownNamesHint(captures, structured)}; add (?<${/^[A-Za-z_]\w*$/.test(text) ? text : 'name'}>...) to the pattern)`}`, v.at);
    ok = false;
  });
  return ok ? names : undefined;
}

function checkWhen(v: Value, captures: string[], structured: boolean, canCheck: boolean): Condition | undefined {
  if (!v.present) return undefined;
  const text = stringValue(v.node);
  if (text === undefined || text.trim() === '') {
    v.report(v.at, `when must be a condition in quotes, e.g. when: "duration > 0.8 * timeoutMs", got ${describe(v.node)}${quoteHint(v.node)}`);
    return undefined;
  }
  let condition: ReturnType<typeof compileCondition>;
  try {
    condition = compileCondition(text);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    const where = e.pos >= text.length ? 'at the end' : `at character ${e.pos + 1}`;
    v.report(v.at, `when is not a valid expression: ${e.message} (${where} of "${text}")`);
    return undefined;
  }
  if (!canCheck) return condition;
  let ok = true;
  for (const name of condition.variables) {
    if (captures.includes(name) || (RUNTIME_VARIABLES as readonly string[]).includes(name)) continue;
    if (structured) continue; // a JSON field path; a missing field makes the condition false
    const known = [...captures, ...RUNTIME_VARIABLES];
    const guess = closestKey(name, known);
    const detail = guess
      ? `, did you mean '${guess}'?`
      : ` (${knownNamesHint(captures, structured)}; runtime variables: ${RUNTIME_VARIABLES.join(', ')})`;
    v.report(v.at, `when uses unknown variable '${name}'${detail}`);
    ok = false;
  }
  return ok ? condition : undefined;
}
