import { isMap, isScalar } from 'yaml';
import { unknownKeyMessage } from './closest-key';
import { describe, type YamlSource } from './parse-yaml';
import { DEFAULT_SETTINGS, type ConfigProblem, type Settings } from './types';

type SettingKey = keyof Settings;

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
};
export const SETTING_KEYS = Object.keys(SETTING_BOUNDS) as SettingKey[];

/** Settings from `settings.yml`; any bad value is reported and replaced by its default. */
export function checkSettings(src: YamlSource | undefined): { settings: Settings; problems: ConfigProblem[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const problems: ConfigProblem[] = src?.syntaxProblems() ?? [];
  const root = src?.resolve(src.doc.contents);
  if (!src || root === null || root === undefined) return { settings, problems };
  if (!isMap(root)) {
    problems.push(src.problem(root, `settings must be a mapping of ${SETTING_KEYS.join(', ')}, got ${describe(root)}`));
    return { settings, problems };
  }

  const positions = new Map<SettingKey, unknown>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !(SETTING_KEYS as string[]).includes(key)) {
      problems.push(src.problem(pair.key, unknownKeyMessage(key ?? describe(pair.key), SETTING_KEYS)));
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
