import { buildSlackMessages, planSlackMessages, ruleMentions, type SlackPayload } from '../../../src/alerts';
import type { Rule } from '../../../src/config/types';
import type { Alert } from '../../../src/dedup/types';
import {
  allTexts,
  expectOnlyOurTokens,
  expectWithinSlackLimits,
  makeAlert,
  makeRule,
  OPTS,
  T0,
  textsOf,
} from './alert-fixtures';

function withRule(overrides: Partial<Rule>, alertOverrides: Partial<Alert> & { message?: string } = {}): Alert {
  const alert = makeAlert(alertOverrides);
  alert.rule = makeRule(overrides);
  return alert;
}

function build(alert: Alert): SlackPayload {
  const [payload, ...rest] = buildSlackMessages([alert], OPTS);
  expect(rest).toHaveLength(0);
  expectWithinSlackLimits(payload!);
  return payload!;
}

const summaryOf = (payload: SlackPayload) => textsOf(payload.blocks[1]!)[0] ?? '';
const linksOf = (payload: SlackPayload) => textsOf(payload.blocks[3]!)[0] ?? '';

describe('owner', () => {
  it('is shown under the rule line, escaped', () => {
    const payload = build(withRule({ owner: 'team-payments <!channel> (#payments)' }));
    expect(summaryOf(payload).split('\n')[1]).toBe('*Owner* team-payments &lt;!channel&gt; (#payments)');
    expectOnlyOurTokens(payload);
  });

  it('adds nothing when absent or blank', () => {
    expect(summaryOf(build(withRule({ owner: '  ' })))).not.toContain('*Owner*');
    expect(summaryOf(build(withRule({})))).not.toContain('*Owner*');
  });
});

describe('runbook', () => {
  it('is the first link when it is a plain http(s) URL', () => {
    const payload = build(withRule({ runbook: 'https://wiki.example/runbooks/lambda-errors?space=OPS&id=7' }));
    expect(linksOf(payload).startsWith('<https://wiki.example/runbooks/lambda-errors?space=OPS&id=7|Runbook>  •  <https://us-east-1.console')).toBe(
      true,
    );
    expectOnlyOurTokens(payload, ['<https://wiki.example/runbooks/lambda-errors?space=OPS&id=7|Runbook>']);
    expect(linksOf(build(withRule({ runbook: 'http://runbooks.internal/x' })))).toContain('<http://runbooks.internal/x|Runbook>');
  });

  it.each([
    ['javascript:alert(1)', '`javascript:alert(1)`'],
    ['https://evil.example|click me', '`https://evil.example|click me`'],
    ['https://x.example/<!channel>', '`https://x.example/&lt;!channel&gt;`'],
    ['https://x.example/a b', '`https://x.example/a b`'],
    ['ftp://files.example/runbook', '`ftp://files.example/runbook`'],
    ['see the wiki', '`see the wiki`'],
  ])('%j is shown as text, not linked', (runbook, shown) => {
    const payload = build(withRule({ runbook }));
    expect(linksOf(payload).split('  •  ')[0]).toBe(`*Runbook* ${shown} _(not linked: only http(s) URLs without spaces, |, &lt; or &gt; are)_`);
    expectOnlyOurTokens(payload);
  });
});

describe('mention', () => {
  it.each([
    ['here', '<!here>'],
    ['channel', '<!channel>'],
    ['@here', '<!here>'],
    ['U123ABC', '<@U123ABC>'],
    ['W0123ABCD', '<@W0123ABCD>'],
    ['subteam^S0123ABC', '<!subteam^S0123ABC>'],
    ['S0123ABC', '<!subteam^S0123ABC>'],
  ])('%j pings %s from the notification text and the alert', (mention, token) => {
    const payload = build(withRule({ mention }));
    expect(payload.text).toBe(`${token} 🔴 CRITICAL lambda-errors: 3 hits`);
    expect(summaryOf(payload)).toContain(`\ncc ${token}`);
    expectOnlyOurTokens(payload, [token]);
  });

  it('takes several, deduplicated, with owner on the same line', () => {
    const payload = build(withRule({ owner: 'payments', mention: 'here, U1AB here S2CD' }));
    expect(payload.text).toBe('<!here> <@U1AB> <!subteam^S2CD> 🔴 CRITICAL lambda-errors: 3 hits');
    expect(summaryOf(payload)).toContain('\n*Owner* payments  ·  cc <!here> <@U1AB> <!subteam^S2CD>\n');
  });

  it.each(['everyone', '<!channel>', 'u123abc', 'subteam^X1', '#general', 'U1'])('ignores %j visibly, pinging no one', (mention) => {
    const payload = build(withRule({ mention }));
    expect(payload.text).toBe('🔴 CRITICAL lambda-errors: 3 hits');
    expect(summaryOf(payload)).toMatch(/\n_Mention `[^`]+` ignored: use here, channel, a user id \(U…\) or a user group id \(S…\)\._\n/);
    expectOnlyOurTokens(payload);
  });

  it('comes only from the rule, never from log text', () => {
    expect(ruleMentions('<!here> <@U1> x').tokens).toEqual([]);
    const payload = build(withRule({}, { message: '<!here> <@U123ABC> <!subteam^S1> @here @channel' }));
    expect(payload.text).toBe('🔴 CRITICAL lambda-errors: 3 hits');
    for (const text of allTexts(payload)) expect(text).not.toMatch(/<[!@]/);
  });

  it('pings only in the message that carries the alert', () => {
    const quiet = Array.from({ length: 30 }, (_, i) => makeAlert({ ruleId: `quiet-${i}`, count: 100 }));
    const loud = withRule({ id: 'loud', severity: 'info', mention: 'U9LOUD' }, { count: 1 });
    const planned = planSlackMessages([...quiet, loud], OPTS);
    expect(planned.length).toBeGreaterThan(1);
    const last = planned[planned.length - 1]!;
    expect(last.alerts.map((a) => a.rule.id)).toContain('loud');
    expect(last.payload.text.startsWith('<@U9LOUD> ')).toBe(true);
    for (const { payload } of planned.slice(0, -1)) expect(payload.text).not.toContain('<@');
    for (const { payload } of planned) expect(payload.text.length).toBeLessThanOrEqual(150);
  });
});

describe('repeats', () => {
  it('says how many more since the last alert', () => {
    const payload = build(makeAlert({ previouslyAlertedAt: T0 - 3_600_000 }));
    expect(summaryOf(payload).split('\n')[1]).toBe('*Still happening:* 3 more since 2024-01-01T11:00:00Z');
  });

  it('uses the suppressed span and count when the state stage has them', () => {
    const payload = build(makeAlert({ previouslyAlertedAt: T0 - 3_600_000, suppressedSince: T0 - 1_800_000, suppressedCount: 42 }));
    expect(summaryOf(payload).split('\n')[1]).toBe(
      '*Still happening:* 42 more since 2024-01-01T11:30:00Z  ·  last alerted 2024-01-01T11:00:00Z',
    );
  });

  it('adds nothing to a first alert', () => {
    expect(summaryOf(build(makeAlert()))).not.toContain('Still happening');
  });
});
