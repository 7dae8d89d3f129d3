import type { Severity } from '../../config/types';

// Unicode emoji rather than :shortcodes:, because the notification preview shows shortcodes raw.
export const SEVERITY_LABEL: Record<Severity, { emoji: string; word: string }> = {
  critical: { emoji: '🔴', word: 'CRITICAL' },
  warning: { emoji: '🟠', word: 'WARNING' },
  info: { emoji: '🔵', word: 'INFO' },
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** Plain UTC text: Slack's `<!date^…>` token is avoided so nothing in a message is a parsed token but our links. */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown time';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
