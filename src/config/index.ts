// Public entry of the config stage: everything other stages need comes from here.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkChannels, type ChannelsCheck } from './channels';
import { displayPath, parseYamlFile, type YamlSource } from './parse-yaml';
import { checkRuleFile, type LoadedPack } from './rule-file';
import { checkSettings } from './settings';
import type { Config, ConfigProblem, Rule, Settings, SourceLocation } from './types';

export { channelFor, opsChannel } from './channels';
export { compileCondition, ExpressionError } from './expression';
export { formatProblem } from './format-problem';
export { literalPrefix, logGroupMatcher } from './log-group-pattern';
export { catastrophicBacktracking } from './regex-safety';
export { JSON_LINE_PATTERN, normaliseMention } from './rule-schema';
export * from './types';

const RULE_FILE = /^[^.].*\.ya?ml$/;

export interface LoadOptions {
  /** Replaces `${stage}` in channels.yml values. */
  stage?: string;
  /** A `${stage}` with no stage to replace it is a problem (the deployed function always needs one). */
  requireStage?: boolean;
}

/**
 * Loads `<dir>/settings.yml`, `<dir>/channels.yml` (optional), `<dir>/rules/*.yml|*.yaml` and the packs
 * they include from `<dir>/packs/`. Never throws for bad config: every problem is returned, and only the
 * rules without problems are kept (and of those, only the enabled ones are in `rules`).
 * File paths in locations are absolute; `formatProblem` shows them relative to the cwd.
 */
export async function loadConfig(dir: string, opts: LoadOptions = {}): Promise<Config> {
  const root = path.resolve(dir);
  const problems: ConfigProblem[] = [];

  const settingsFile = await firstExisting(root, ['settings.yml', 'settings.yaml']);
  const shadowed = path.join(root, 'settings.yaml');
  if (settingsFile !== shadowed && (await isFile(shadowed))) {
    // Two settings files would leave users editing the one that is not read.
    problems.push({ file: shadowed, line: 1, col: 1, message: 'ignored because settings.yml exists; keep only one' });
  }
  const parsedSettings = settingsFile ? await parseYamlFile(settingsFile) : undefined;
  if (parsedSettings && 'problem' in parsedSettings) problems.push(parsedSettings.problem);
  const settingsSource = parsedSettings && 'source' in parsedSettings ? parsedSettings.source : undefined;
  const { settings, problems: settingProblems } = checkSettings(settingsSource);
  problems.push(...sortByPosition(settingProblems));

  const channels = await loadChannels(root, opts);
  // channels.yml problems go here, once the rule ids it names can be checked too.
  const channelsAt = problems.length;

  const rulesDir = path.join(root, 'rules');
  const ruleFiles = await listYamlFiles(rulesDir);
  if (ruleFiles.length === 0) {
    problems.push({ file: rulesDir, line: 1, col: 1, message: `no rule files found: expected ${displayPath(rulesDir)}/*.yml or *.yaml` });
  }

  const packs = await packCatalog(root);
  const included = new Map<string, SourceLocation>();
  const rules: Rule[] = [];
  const disabledRules: string[] = [];
  const packFiles: string[] = [];
  const allIds = new Set<string>();
  const firstById = new Map<string, SourceLocation>();
  for (const file of ruleFiles) {
    const parsed = await parseYamlFile(file);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const checked = checkRuleFile(parsed.source, { channelNames: channels?.names, pack: packs.get, packNames: packs.names, included });
    packFiles.push(...checked.packFiles);
    const fileProblems = [...checked.problems];
    for (const { rule, problems: ruleProblems, id, enabled } of checked.rules) {
      fileProblems.push(...ruleProblems);
      if (id) allIds.add(id.value);
      const first = id && firstById.get(id.value);
      if (id && first) {
        const message = `duplicate id '${id.value}', first defined at ${displayPath(first.file)}:${first.line}:${first.col}`;
        fileProblems.push({ ...id.location, ruleId: id.value, message });
        continue;
      }
      if (id) firstById.set(id.value, id.location);
      if (rule && enabled) rules.push(rule);
      else if (rule) disabledRules.push(rule.id);
    }
    problems.push(...sortByFileThenPosition(fileProblems, file));
  }
  if (channels) problems.splice(channelsAt, 0, ...sortByPosition([...channels.problems, ...channels.checkRuleIds(allIds)]));

  return {
    settings,
    rules,
    problems,
    ruleFiles,
    packFiles,
    disabledRules,
    ...(channels?.channels ? { channels: channels.channels } : {}),
  };
}

/** `<dir>/settings.yml` (or the defaults); its problems are left to `loadConfig`/`validate`. */
export async function loadSettings(dir: string): Promise<Settings> {
  const file = await firstExisting(path.resolve(dir), ['settings.yml', 'settings.yaml']);
  const parsed = file ? await parseYamlFile(file) : undefined;
  return checkSettings(parsed && 'source' in parsed ? parsed.source : undefined).settings;
}

export interface LoadedRuleFile {
  /** Enabled rules without problems. */
  rules: Rule[];
  /** Rules without problems that say `enabled: false`. */
  disabled: Rule[];
  problems: ConfigProblem[];
}

/**
 * One rule file (or pack) on its own, with the packs it includes resolved from `configDir` (by default the
 * directory above the file's, as in `config/rules/x.yml`). For `test-rule`.
 */
export async function loadRuleFile(file: string, opts: { configDir?: string } = {}): Promise<LoadedRuleFile> {
  const abs = path.resolve(file);
  const configDir = path.resolve(opts.configDir ?? path.dirname(path.dirname(abs)));
  const parsed = await parseYamlFile(abs);
  if ('problem' in parsed) return { rules: [], disabled: [], problems: [parsed.problem] };
  const channels = await loadChannels(configDir, {});
  const packs = await packCatalog(configDir);
  const inPacksDir = path.dirname(abs) === path.join(configDir, 'packs');
  const checked = checkRuleFile(parsed.source, {
    channelNames: channels?.names,
    pack: packs.get,
    packNames: packs.names,
    included: new Map(),
    ...(inPacksDir ? { packName: path.basename(abs).replace(/\.ya?ml$/, '') } : {}),
  });
  const problems = [...checked.problems];
  const rules: Rule[] = [];
  const disabled: Rule[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const c of checked.rules) {
    problems.push(...c.problems);
    if (c.id) {
      const first = seen.get(c.id.value);
      if (first) {
        problems.push({ ...c.id.location, ruleId: c.id.value, message: `duplicate id '${c.id.value}', first defined at ${displayPath(first.file)}:${first.line}:${first.col}` });
        continue;
      }
      seen.set(c.id.value, c.id.location);
    }
    if (c.rule && c.enabled) rules.push(c.rule);
    else if (c.rule) disabled.push(c.rule);
  }
  return { rules, disabled, problems: sortByFileThenPosition(problems, abs) };
}

async function loadChannels(root: string, opts: LoadOptions): Promise<ChannelsCheck | undefined> {
  const file = await firstExisting(root, ['channels.yml', 'channels.yaml']);
  if (!file) return undefined;
  const parsed = await parseYamlFile(file);
  if ('problem' in parsed) return { problems: [parsed.problem], names: new Set(), checkRuleIds: () => [] };
  return checkChannels(parsed.source, opts);
}

/** The packs in `<root>/packs/`, parsed on first use and shared by every rule file that includes them. */
async function packCatalog(root: string): Promise<{ names: string[]; get: (name: string) => LoadedPack | undefined }> {
  const dir = path.join(root, 'packs');
  const files = await listYamlFiles(dir);
  const byName = new Map<string, string>();
  for (const f of files) {
    const name = path.basename(f).replace(/\.ya?ml$/, '');
    if (!byName.has(name)) byName.set(name, f);
  }
  const loaded = new Map<string, LoadedPack>();
  for (const [name, file] of byName) {
    const parsed = await parseYamlFile(file);
    loaded.set(name, 'problem' in parsed ? { name, file, problem: parsed.problem } : { name, file, src: parsed.source as YamlSource });
  }
  return { names: [...byName.keys()], get: (name) => loaded.get(name) };
}

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) {
    const file = path.join(dir, name);
    if (await isFile(file)) return file;
  }
  return undefined;
}

/** Sorted by name so rule order, duplicate-id "first" and problem order are the same on every machine. */
async function listYamlFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const files = names.filter((n) => RULE_FILE.test(n)).sort().map((n) => path.join(dir, n));
  const keep = await Promise.all(files.map(isFile));
  return files.filter((_, i) => keep[i]);
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The file's own problems first, then those in the packs it includes, each by position. */
function sortByFileThenPosition(problems: ConfigProblem[], file: string): ConfigProblem[] {
  const order = [file, ...new Set(problems.map((p) => p.file).filter((f) => f !== file))];
  return [...problems].sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.line - b.line || a.col - b.col);
}
