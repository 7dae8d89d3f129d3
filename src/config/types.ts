export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Where a rule or setting came from, so every message can point a user at the line to fix. */
export interface SourceLocation {
  /** Absolute path as loaded; `formatProblem` prints it relative to the cwd. */
  file: string;
  line: number;
  col: number;
}

export interface Rule {
  id: string;
  description: string;
  severity: Severity;
  /** Exact names, prefixes ending in `*`, or globs (`*`, `?`, `**` not special: `*` crosses `/`). */
  logGroups: string[];
  /** Compiled with the rule's flags; never global/sticky so `test` has no hidden state. */
  pattern: RegExp;
  exclude: RegExp[];
  location: SourceLocation;
}

export interface Settings {
  /** How often the schedule fires; the scan window is this wide. */
  scanIntervalMinutes: number;
  /** CloudWatch ingests late; scanning up to `now - lag` keeps late events inside a later window. */
  ingestionLagMinutes: number;
  /** Widest window a single run will read (first run, or catching up). */
  lookbackMinutes: number;
  /** Console links open the stream this many minutes before and after the hit. */
  linkContextMinutes: number;
  /** Longest sample line shown in Slack before truncation. */
  maxSampleChars: number;
}

export const DEFAULT_SETTINGS: Settings = {
  scanIntervalMinutes: 5,
  ingestionLagMinutes: 2,
  lookbackMinutes: 60,
  linkContextMinutes: 5,
  maxSampleChars: 1500,
};

/** One problem found in the config, printed as `file:line:col: rule <id>: message`. */
export interface ConfigProblem extends SourceLocation {
  ruleId?: string;
  message: string;
}

export interface Config {
  settings: Settings;
  /** Only the rules that passed validation: a bad rule is dropped, the others still scan. */
  rules: Rule[];
  problems: ConfigProblem[];
  /** Rule files that were read, in load order (absolute paths); for summaries like `N rules in M files`. */
  ruleFiles?: string[];
}
