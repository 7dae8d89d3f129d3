import { displayPath } from './parse-yaml';
import type { ConfigProblem } from './types';

/** `file:line:col: rule <id>: message` — the shape editors, CI annotators and `grep` understand. */
export function formatProblem(p: ConfigProblem): string {
  const rule = p.ruleId === undefined ? '' : `rule ${p.ruleId}: `;
  return `${displayPath(p.file)}:${p.line}:${p.col}: ${rule}${p.message}`;
}
