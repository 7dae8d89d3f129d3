import { DEFAULT_SETTINGS } from '../../../src/config';
import { load, rule } from './config-fixture';

const RULES = { 'rules/a.yml': `rules:\n${rule('r')}` };

describe('settings', () => {
  it('uses the defaults when settings.yml is absent', async () => {
    const { config } = await load(RULES);
    expect(config.problems).toEqual([]);
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('reads the keys given and defaults the rest', async () => {
    const { config } = await load({ ...RULES, 'settings.yml': '# comment\nscanIntervalMinutes: 10\ningestionLagMinutes: 0\n' });
    expect(config.problems).toEqual([]);
    expect(config.settings).toEqual({ ...DEFAULT_SETTINGS, scanIntervalMinutes: 10, ingestionLagMinutes: 0 });
  });

  it('reports unknown keys and out-of-range or non-integer values, keeping the default for them', async () => {
    const { config, lines, at } = await load({
      ...RULES,
      'settings.yml': `scanInterval: 10
ingestionLagMinutes: 90
maxSampleChars: lots
linkContextMinutes: 2.5
`,
    });
    const f = at('settings.yml');
    expect(lines).toEqual([
      `${f}:1:1: unknown key 'scanInterval', did you mean 'scanIntervalMinutes'?`,
      `${f}:2:22: ingestionLagMinutes must be a whole number from 0 to 60, got number 90`,
      `${f}:3:17: maxSampleChars must be a whole number from 100 to 3000, got 'lots'`,
      `${f}:4:21: linkContextMinutes must be a whole number from 0 to 60, got number 2.5`,
    ]);
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
    // Settings problems never cost rules.
    expect(config.rules).toHaveLength(1);
  });

  it('requires the lookback to cover at least one interval', async () => {
    const { config, lines, at } = await load({ ...RULES, 'settings.yml': 'scanIntervalMinutes: 30\nlookbackMinutes: 15\n' });
    expect(lines).toEqual([
      `${at('settings.yml')}:2:18: lookbackMinutes (15) must be at least scanIntervalMinutes (30), or runs would skip log events`,
    ]);
    expect(config.settings.lookbackMinutes).toBe(30);
  });

  it('reports YAML errors in settings.yml', async () => {
    const { lines, at } = await load({ ...RULES, 'settings.yml': 'scanIntervalMinutes: 5\nscanIntervalMinutes: 6\n' });
    expect(lines).toEqual([`${at('settings.yml')}:2:1: invalid YAML: Map keys must be unique`]);
  });
});

describe('settings file name', () => {
  it('reads settings.yaml when there is no settings.yml', async () => {
    const { config } = await load({ ...RULES, 'settings.yaml': 'scanIntervalMinutes: 15\n' });
    expect(config.problems).toEqual([]);
    expect(config.settings.scanIntervalMinutes).toBe(15);
  });

  it('reports settings.yaml when settings.yml shadows it', async () => {
    const { config, lines, at } = await load({ ...RULES, 'settings.yml': 'scanIntervalMinutes: 10\n', 'settings.yaml': 'scanIntervalMinutes: 15\n' });
    expect(lines).toEqual([`${at('settings.yaml')}:1:1: ignored because settings.yml exists; keep only one`]);
    expect(config.settings.scanIntervalMinutes).toBe(10);
  });
});

describe('settings: scale', () => {
  it('reads the scale map, defaulting the keys not given', async () => {
    const { config } = await load({
      ...RULES,
      'settings.yml': 'scale:\n  engine: insights\n  groupsPerQuery: 20\n  maxInsightsUsdPerRun: 0.2\n  tps:\n    StartQuery: 2\n',
    });
    expect(config.problems).toEqual([]);
    const { DEFAULT_SCALE_SETTINGS } = await import('../../../src/sources/planner');
    expect(config.settings.scale).toEqual({
      ...DEFAULT_SCALE_SETTINGS,
      engine: 'insights',
      groupsPerQuery: 20,
      maxInsightsUsdPerRun: 0.2,
      tps: { ...DEFAULT_SCALE_SETTINGS.tps, StartQuery: 2 },
    });
  });

  it('reports bad scale values at their line and keeps the default for them', async () => {
    const { config, lines, at } = await load({
      ...RULES,
      'settings.yml': 'scale:\n  engine: fast\n  groupsPerQuery: 80\n  maxQuotaShar: 0.5\n  tps:\n    FilterLogEvent: 2\n    StartQuery: 0\n',
    });
    const f = at('settings.yml');
    expect(lines).toEqual([
      `${f}:2:11: scale.engine must be one of auto, filter, insights, got 'fast'`,
      `${f}:3:19: scale.groupsPerQuery must be a whole number from 1 to 50, got number 80`,
      `${f}:4:3: scale: unknown key 'maxQuotaShar', did you mean 'maxQuotaShare'?`,
      `${f}:6:5: scale.tps: unknown key 'FilterLogEvent', did you mean 'FilterLogEvents'?`,
      `${f}:7:17: scale.tps.StartQuery must be a number above 0 and at most 1000, got number 0`,
    ]);
    expect(config.settings.scale?.engine).toBe('auto');
    expect(config.settings.scale?.groupsPerQuery).toBe(50);
  });
});
