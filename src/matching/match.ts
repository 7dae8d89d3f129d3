import type { Rule } from '../config/types';
import type { LogEvent } from '../sources/types';
import type { Hit } from './types';

/** The hits of one event against the rules that target its log group; exclusions win over the pattern. */
export function matchEvent(rules: readonly Rule[], event: LogEvent): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    const m = rule.pattern.exec(event.message);
    if (!m) continue;
    if (rule.exclude.some((re) => re.test(event.message))) continue;
    hits.push({ rule, event, captures: definedGroups(m.groups) });
  }
  return hits;
}

function definedGroups(groups: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups ?? {})) if (value !== undefined) out[name] = value;
  return out;
}
