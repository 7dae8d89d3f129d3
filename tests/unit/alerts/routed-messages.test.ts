import { DEFAULT_SETTINGS, type Channels } from '../../../src/config/types';
import { planRoutedMessages } from '../../../src/job';
import { makeAlert } from './alert-fixtures';

const CHANNELS: Channels = {
  default: '/p/default',
  severities: { critical: '/p/oncall' },
  rules: {},
  named: {},
};
const REQ = 'request:0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f';

describe('planRoutedMessages', () => {
  it('without channels.yml plans every alert for the default webhook (channel undefined)', () => {
    const routed = planRoutedMessages({ settings: DEFAULT_SETTINGS }, [makeAlert({ severity: 'critical' }), makeAlert({ ruleId: 'b' })], 'us-east-1');
    expect(routed.map((r) => r.channel)).toEqual([undefined]);
  });

  it('never puts alerts of different channels in one message', () => {
    const crit = makeAlert({ severity: 'critical', ruleId: 'crit' });
    const warn = makeAlert({ severity: 'warning', ruleId: 'warn' });
    const routed = planRoutedMessages({ settings: DEFAULT_SETTINGS, channels: CHANNELS }, [warn, crit], 'us-east-1');
    const byChannel = Object.fromEntries(routed.map((r) => [r.channel, r.messages.flatMap((m) => m.alerts.map((a) => a.rule.id))]));
    expect(byChannel).toEqual({ '/p/default': ['warn'], '/p/oncall': ['crit'] });
  });

  it('sends an incident whole to the channel of its most severe part', () => {
    const crit = makeAlert({ severity: 'critical', ruleId: 'crit', logGroups: ['/aws/lambda/a'], correlationIds: [REQ] });
    const warn = makeAlert({ severity: 'warning', ruleId: 'warn', logGroups: ['/aws/lambda/b'], correlationIds: [REQ] });
    const alone = makeAlert({ severity: 'warning', ruleId: 'alone' });
    const routed = planRoutedMessages({ settings: DEFAULT_SETTINGS, channels: CHANNELS }, [warn, crit, alone], 'us-east-1');
    const byChannel = Object.fromEntries(routed.map((r) => [r.channel, r.messages.flatMap((m) => m.alerts.map((a) => a.rule.id)).sort()]));
    expect(byChannel).toEqual({ '/p/oncall': ['crit', 'warn'], '/p/default': ['alone'] });
  });
});
