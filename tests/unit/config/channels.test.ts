import { channelFor, opsChannel, type Channels } from '../../../src/config';
import { load, rule } from './config-fixture';

const RULES = { 'rules/a.yml': `rules:\n${rule('lambda-timeout')}${rule('other')}` };

describe('channels.yml', () => {
  it('is optional', async () => {
    const { config } = await load(RULES);
    expect(config.problems).toEqual([]);
    expect(config.channels).toBeUndefined();
  });

  it('loads parameter names, resolving references to named channels', async () => {
    const { config, lines } = await load({
      ...RULES,
      'channels.yml': `default: /cwla/\${stage}/slack
ops: /cwla/\${stage}/ops
severities:
  critical: oncall
channels:
  oncall: /cwla/\${stage}/oncall
rules:
  lambda-timeout: /cwla/\${stage}/timeouts
`,
    });
    expect(lines).toEqual([]);
    expect(config.channels).toEqual({
      default: '/cwla/${stage}/slack',
      ops: '/cwla/${stage}/ops',
      severities: { critical: '/cwla/${stage}/oncall' },
      rules: { 'lambda-timeout': '/cwla/${stage}/timeouts' },
      named: { oncall: '/cwla/${stage}/oncall' },
    });
  });

  it('replaces ${stage} when loadConfig is given the stage', async () => {
    const { writeConfig, removeConfig } = await import('./config-fixture');
    const { loadConfig } = await import('../../../src/config');
    const dir = writeConfig({ ...RULES, 'channels.yml': 'default: /cwla/${stage}/slack\n' });
    try {
      expect((await loadConfig(dir, { stage: 'prod' })).channels?.default).toBe('/cwla/prod/slack');
    } finally {
      removeConfig(dir);
    }
  });

  it('reports every mistake at its key or value', async () => {
    const { lines, at, config } = await load({
      ...RULES,
      'channels.yml': `ops: https://hooks.slack.com/services/T000/B000/XXXX
severities:
  urgent: /cwla/x
  critical: pager
channels:
  oncall: cwla/\${region}/oncall
rules:
  lambda-timeot: /cwla/timeouts
routes: {}
`,
    });
    const f = at('channels.yml');
    expect(lines).toEqual([
      `${f}:1:1: missing required key 'default' (the SSM parameter name of the webhook for alerts nothing else routes)`,
      `${f}:1:6: ops must be an SSM parameter NAME, not a webhook URL: a URL in git is a leaked secret (store it in SSM as a SecureString and name the parameter here)`,
      `${f}:3:3: severities: unknown severity 'urgent' (severities: info, warning, critical)`,
      `${f}:4:13: severities.critical refers to channel 'pager', which channels: does not define (values starting with / are SSM parameter names; others name an entry of channels:)`,
      `${f}:6:11: channels.oncall uses unknown placeholder \${region} (only \${stage} is replaced)`,
      `${f}:8:3: rules: unknown rule id 'lambda-timeot', did you mean 'lambda-timeout'?`,
      `${f}:9:1: unknown key 'routes', did you mean 'rules'?`,
    ]);
    // Routing problems never cost a rule.
    expect(config.rules).toHaveLength(2);
  });
});

describe('channelFor', () => {
  const channels: Channels = {
    default: '/d',
    ops: '/ops',
    severities: { critical: '/crit' },
    rules: { 'lambda-timeout': '/timeouts' },
    named: { payments: '/payments' },
  };
  it('prefers the rule id, then the rule’s channel, then its severity, then the default', () => {
    expect(channelFor({ id: 'lambda-timeout', severity: 'critical', channel: 'payments' }, channels)).toBe('/timeouts');
    expect(channelFor({ id: 'x', severity: 'critical', channel: 'payments' }, channels)).toBe('/payments');
    expect(channelFor({ id: 'x', severity: 'critical' }, channels)).toBe('/crit');
    expect(channelFor({ id: 'x', severity: 'warning' }, channels)).toBe('/d');
    expect(channelFor({ id: 'x', severity: 'warning', channel: 'unknown' }, channels)).toBe('/d');
  });
  it('sends health messages to ops, or the default', () => {
    expect(opsChannel(channels)).toBe('/ops');
    expect(opsChannel({ ...channels, ops: undefined })).toBe('/d');
  });
});
