import type { ScaleSettings } from '../sources/planner';
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
  /** Who to ask about the rule; shown in the alert. */
  owner?: string;
  /** A URL shown in the alert as the first thing to open. */
  runbook?: string;
  /** Only rules that ask for it may ping: `here`, `channel`, or a user/group id like `U123ABC` / `S123ABC`. */
  mention?: string;
  /** Alert only when a fingerprint reaches `count` hits within `withinMs`, counted across runs. */
  threshold?: { count: number; withinMs: number };
  /** Suppress a repeat post of the same fingerprint for this long (defaults to settings.realertMinutes). */
  realertMs?: number;
  /** Post one "resolved" message once an alerted fingerprint has been silent this long. */
  resolveMs?: number;
  /** Named captures or JSON fields whose values split alerts (one alert per tenant, say). */
  groupBy?: string[];
  /** Conditions on JSON fields of structured lines; all must hold. */
  fields?: FieldCondition[];
  /** A numeric/boolean condition over named captures and fields, e.g. `duration > 0.8 * timeoutMs`. */
  when?: Condition;
  /** A channel named in channels.yml `channels:`; `channelFor` routes the rule's alerts there. */
  channel?: string;
  /** Set on a rule loaded from a pack (`include: packs/lambda`): the pack's name, e.g. `lambda`. */
  pack?: string;
}

/**
 * Variables a `when:` may use that are not in the log line: the caller of `matchEvent` supplies them per log
 * group (the function's configuration). A condition that reads one the caller did not supply is false.
 */
export const RUNTIME_VARIABLES = ['timeoutMs', 'memorySizeMb'] as const;
export type RuntimeVariable = (typeof RUNTIME_VARIABLES)[number];

/** `fields: { level: ERROR, "error.type": "/Timeout/" }`: a dotted path equal to a value or matching a regex. */
export interface FieldCondition {
  path: string;
  equals?: string;
  matches?: RegExp;
  /** `level: [ERROR, CRITICAL]`: any one of these (each an `equals` or a `matches`) will do. */
  anyOf?: Array<{ equals?: string; matches?: RegExp }>;
}

/** A compiled `when:` expression; evaluation never runs user code. */
export interface Condition {
  source: string;
  evaluate(vars: Readonly<Record<string, string | number | boolean | undefined>>): boolean;
  /** Variable names the expression reads, checked against the pattern's named captures at validation. */
  variables: string[];
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
  /** Default quiet period before the same fingerprint is posted again. */
  realertMinutes: number;
  /** When above realertMinutes, the quiet period doubles after each repeat post up to this; 0 keeps it fixed. */
  realertMaxMinutes: number;
  /**
   * The `scale:` map (read engine, TPS shares, Insights limits and budget; see docs/scale.md), with every
   * missing key at its default. Absent when settings.yml has no `scale:`: the defaults apply.
   */
  scale?: ScaleSettings;
}

export const DEFAULT_SETTINGS: Settings = {
  scanIntervalMinutes: 5,
  ingestionLagMinutes: 2,
  lookbackMinutes: 60,
  linkContextMinutes: 5,
  maxSampleChars: 1500,
  realertMinutes: 240,
  realertMaxMinutes: 1440,
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
  /** Pack files pulled in by `include:` (absolute paths), in load order. */
  packFiles?: string[];
  /** Ids of rules switched off with `enabled: false` (valid, but not scanned). */
  disabledRules?: string[];
  /** Where alerts go, from `channels.yml`; absent when there is no such file (then one webhook serves all). */
  channels?: Channels;
}

/**
 * `config/channels.yml`: SSM parameter NAMES (never URLs) of Slack webhooks. Values may contain `${stage}`,
 * replaced when `loadConfig` is given a stage. Every value is a full parameter name (starting with `/`).
 */
export interface Channels {
  /** Where an alert goes when nothing more specific applies. */
  default: string;
  /** The scanner's own health messages (failing log groups, disabled rules); defaults to `default`. */
  ops?: string;
  /** By severity. */
  severities: Partial<Record<Severity, string>>;
  /** By rule id: beats everything else. */
  rules: Record<string, string>;
  /** Named channels, for a rule's `channel:` key. */
  named: Record<string, string>;
}
