// Public entry of the config stage: everything other stages need comes from here.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { displayPath, parseYamlFile } from './parse-yaml';
import { checkRuleFile } from './rule-file';
import { checkSettings } from './settings';
import type { Config, ConfigProblem, Rule, SourceLocation } from './types';

export { formatProblem } from './format-problem';
export { literalPrefix, logGroupMatcher } from './log-group-pattern';
export * from './types';

const RULE_FILE = /^[^.].*\.ya?ml$/;

/**
 * Loads `<dir>/settings.yml` and `<dir>/rules/*.yml|*.yaml`. Never throws for bad config:
 * every problem is returned, and only the rules without problems are kept.
 * File paths in locations are absolute; `formatProblem` shows them relative to the cwd.
 */
export async function loadConfig(dir: string): Promise<Config> {
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

  const rulesDir = path.join(root, 'rules');
  const ruleFiles = await listRuleFiles(rulesDir);
  if (ruleFiles.length === 0) {
    problems.push({ file: rulesDir, line: 1, col: 1, message: `no rule files found: expected ${displayPath(rulesDir)}/*.yml or *.yaml` });
  }

  const rules: Rule[] = [];
  const firstById = new Map<string, SourceLocation>();
  for (const file of ruleFiles) {
    const parsed = await parseYamlFile(file);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const checked = checkRuleFile(parsed.source);
    const fileProblems = [...checked.problems];
    for (const { rule, problems: ruleProblems, id } of checked.rules) {
      fileProblems.push(...ruleProblems);
      const first = id && firstById.get(id.value);
      if (id && first) {
        const message = `duplicate id '${id.value}', first defined at ${displayPath(first.file)}:${first.line}:${first.col}`;
        fileProblems.push({ ...id.location, ruleId: id.value, message });
        continue;
      }
      if (id) firstById.set(id.value, id.location);
      if (rule) rules.push(rule);
    }
    problems.push(...sortByPosition(fileProblems));
  }

  return { settings, rules, problems, ruleFiles };
}

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) {
    const file = path.join(dir, name);
    if (await isFile(file)) return file;
  }
  return undefined;
}

/** Sorted by name so rule order, duplicate-id "first" and problem order are the same on every machine. */
async function listRuleFiles(dir: string): Promise<string[]> {
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
