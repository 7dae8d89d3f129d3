import { isMap, isScalar } from 'yaml';
import { unknownKeyMessage } from './closest-key';
import { describe, type YamlSource } from './parse-yaml';
import { DEFAULT_SCALE_SETTINGS, type ScaleSettings } from '../sources/planner';
import { DEFAULT_TPS, type LogsApi } from '../sources/rate-limit';
import { DEFAULT_SETTINGS, type ConfigProblem, type Settings } from './types';

type SettingKey = Exclude<keyof Settings, 'scale'>;

/** Bounds keep a typo (`scanIntervalMinutes: 500000`) from silently disabling alerting. */
export const SETTING_BOUNDS: Record<SettingKey, { min: number; max: number }> = {
  scanIntervalMinutes: { min: 1, max: 1440 },
  // Lag past an hour means alerts arrive too late to be useful.
  ingestionLagMinutes: { min: 0, max: 60 },
  // A week; FilterLogEvents over longer windows is slow and costly.
  lookbackMinutes: { min: 1, max: 10080 },
  linkContextMinutes: { min: 0, max: 60 },
  // Slack rejects section text over 3000 characters.
  maxSampleChars: { min: 100, max: 3000 },
  // Up to a day: longer than that, a still-broken thing is forgotten rather than quiet.
  realertMinutes: { min: 0, max: 1440 },
  // Up to a week; 0 (or anything not above realertMinutes) keeps the window fixed.
  realertMaxMinutes: { min: 0, max: 10080 },
};
export const SETTING_KEYS = Object.keys(SETTING_BOUNDS) as SettingKey[];
/** Keys allowed at the top of settings.yml: the numbers above and the `scale:` map. */
const TOP_KEYS: string[] = [...SETTING_KEYS, 'scale'];

type ScaleNumberKey = Exclude<keyof ScaleSettings, 'engine' | 'tps'>;
/** `scale:` numbers (see docs/scale.md); `whole` ones must be integers. */
export const SCALE_BOUNDS: Record<ScaleNumberKey, { min: number; max: number; whole?: boolean }> = {
  // The account quota is 30 to 100 concurrent queries, shared with dashboards and people.
  maxConcurrentQueries: { min: 1, max: 100, whole: true },
  // StartQuery takes at most 50 log groups.
  groupsPerQuery: { min: 1, max: 50, whole: true },
  maxQuotaShare: { min: 0.01, max: 1 },
  insightsUsdPerGb: { min: 0, max: 1 },
  maxInsightsUsdPerRun: { min: 0, max: 1000 },
  insightsQuerySeconds: { min: 0.1, max: 900 },
  lambdaUsdPerGbSecond: { min: 0, max: 1 },
  memoryMb: { min: 128, max: 10240, whole: true },
  bytesPerGroupPerWindow: { min: 0, max: 1e12, whole: true },
};
const SCALE_KEYS: string[] = ['engine', 'tps', ...Object.keys(SCALE_BOUNDS)];
const ENGINES = ['auto', 'filter', 'insights'] as const;

/** Settings from `settings.yml`; any bad value is reported and replaced by its default. */
export function checkSettings(src: YamlSource | undefined): { settings: Settings; problems: ConfigProblem[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const problems: ConfigProblem[] = src?.syntaxProblems() ?? [];
  const root = src?.resolve(src.doc.contents);
  if (!src || root === null || root === undefined) return { settings, problems };
  if (!isMap(root)) {
    problems.push(src.problem(root, `settings must be a mapping of ${TOP_KEYS.join(', ')}, got ${describe(root)}`));
    return { settings, problems };
  }

  const positions = new Map<SettingKey, unknown>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === 'scale') {
      settings.scale = checkScale(src, pair.key, src.resolve(pair.value), problems);
      continue;
    }
    if (key === undefined || !(SETTING_KEYS as string[]).includes(key)) {
      problems.push(src.problem(pair.key, unknownKeyMessage(key ?? describe(pair.key), TOP_KEYS)));
      continue;
    }
    const name = key as SettingKey;
    const node = src.resolve(pair.value);
    const at = isScalar(node) && node.value !== null ? node : pair.key;
    const { min, max } = SETTING_BOUNDS[name];
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(src.problem(at, `${name} must be a whole number from ${min} to ${max}, got ${describe(node)}`));
      continue;
    }
    settings[name] = value;
    positions.set(name, at);
  }

  // A window narrower than the schedule would leave minutes that no run ever reads.
  if (settings.lookbackMinutes < settings.scanIntervalMinutes) {
    const at = positions.get('lookbackMinutes') ?? positions.get('scanIntervalMinutes');
    problems.push(
      src.problem(
        at,
        `lookbackMinutes (${settings.lookbackMinutes}) must be at least scanIntervalMinutes (${settings.scanIntervalMinutes}), or runs would skip log events`,
        undefined,
        root,
      ),
    );
    settings.lookbackMinutes = settings.scanIntervalMinutes;
  }
  return { settings, problems };
}

type Node = Parameters<YamlSource['resolve']>[0];

/** The `scale:` map; a bad value is reported at its line and replaced by its default. */
function checkScale(src: YamlSource, keyNode: Node, node: Node, problems: ConfigProblem[]): ScaleSettings {
  const scale: ScaleSettings = { ...DEFAULT_SCALE_SETTINGS, tps: { ...DEFAULT_SCALE_SETTINGS.tps } };
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return scale;
  if (!isMap(node)) {
    problems.push(src.problem(node, `scale must be a mapping of ${SCALE_KEYS.join(', ')}, got ${describe(node)}`, undefined, keyNode));
    return scale;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !SCALE_KEYS.includes(key)) {
      problems.push(src.problem(pair.key, `scale: ${unknownKeyMessage(key ?? describe(pair.key), SCALE_KEYS)}`));
      continue;
    }
    const value = src.resolve(pair.value);
    const at = isScalar(value) && value.value !== null ? value : pair.key;
    if (key === 'engine') {
      const v = isScalar(value) ? value.value : undefined;
      if (typeof v === 'string' && (ENGINES as readonly string[]).includes(v)) scale.engine = v as ScaleSettings['engine'];
      else problems.push(src.problem(at, `scale.engine must be one of ${ENGINES.join(', ')}, got ${describe(value)}`));
      continue;
    }
    if (key === 'tps') {
      if (!isMap(value)) {
        problems.push(src.problem(at, `scale.tps must be a mapping of API name to requests per second, got ${describe(value)}`));
        continue;
      }
      const apis = Object.keys(DEFAULT_TPS);
      for (const t of value.items) {
        const api = isScalar(t.key) ? String(t.key.value) : undefined;
        if (api === undefined || !apis.includes(api)) {
          problems.push(src.problem(t.key, `scale.tps: ${unknownKeyMessage(api ?? describe(t.key), apis)}`));
          continue;
        }
        const tv = src.resolve(t.value);
        const n = isScalar(tv) ? tv.value : undefined;
        if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 1000) {
          problems.push(src.problem(isScalar(tv) && tv.value !== null ? tv : t.key, `scale.tps.${api} must be a number above 0 and at most 1000, got ${describe(tv)}`));
          continue;
        }
        scale.tps[api as LogsApi] = n;
      }
      continue;
    }
    const name = key as ScaleNumberKey;
    const { min, max, whole } = SCALE_BOUNDS[name];
    const v = isScalar(value) ? value.value : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (whole && !Number.isInteger(v)) || v < min || v > max) {
      problems.push(src.problem(at, `scale.${name} must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}, got ${describe(value)}`));
      continue;
    }
    scale[name] = v;
  }
  return scale;
}
