import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadConfig } from '../../../src/config';

/** A throwaway config dir; `files` maps paths like `rules/a.yml` to their text. */
export function writeConfig(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cwla-config-'));
  mkdirSync(path.join(dir, 'rules'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function removeConfig(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Loads `files` and returns the printed problem lines plus the loaded rule ids. */
export async function load(files: Record<string, string>) {
  const dir = writeConfig(files);
  try {
    const config = await loadConfig(dir);
    // Lines print paths relative to the cwd; expectations use `at('rules/a.yml')` to build them.
    const at = (name: string) => path.relative(process.cwd(), path.join(dir, name));
    return { config, lines: config.problems.map(formatProblem), ids: config.rules.map((r) => r.id), at, dir };
  } finally {
    removeConfig(dir);
  }
}

/** A valid rule as YAML list item lines, with fields overridable for one test. */
export function rule(id: string, extra = ''): string {
  return `  - id: ${id}
    description: test rule ${id}
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: 'ERROR'
${extra}`;
}
