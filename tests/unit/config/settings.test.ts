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
