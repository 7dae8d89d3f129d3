import {
  buildHealthMessage,
  buildIncidentMessages,
  buildResolvedMessage,
  type SlackPayload,
} from '../../../src/alerts';
import type { Alert } from '../../../src/dedup/types';
import {
  allTexts,
  CONSOLE_PREFIX,
  expectOnlyOurTokens,
  expectWithinSlackLimits,
  makeAlert,
  makeRule,
  OPTS,
  T0,
  textsOf,
} from './alert-fixtures';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';
const texts = (payload: SlackPayload) => payload.blocks.flatMap(textsOf);
const headersOf = (payloads: SlackPayload[]) =>
  payloads.flatMap((p) => p.blocks).flatMap((b) => (b.type === 'header' ? [b.text.text] : []));

describe('buildResolvedMessage', () => {
  const resolved = {
    ruleId: 'lambda-errors',
    fingerprint: 'ERROR <*> failed for user <*>',
    severity: 'critical' as const,
    lastSeen: T0,
    alertedAt: T0 - 120_000,
    region: 'us-east-1',
  };

  it('is a short note that never pings', () => {
    const payload = buildResolvedMessage(resolved, { now: T0 + 45 * 60_000 });
    expectWithinSlackLimits(payload);
    expectOnlyOurTokens(payload);
    expect(payload.text).toBe('✅ RESOLVED lambda-errors: quiet since 2024-01-01T12:00:00Z');
    expect(payload.unfurl_links).toBe(false);
    expect(texts(payload)).toEqual([
      '✅ RESOLVED: lambda-errors',
      '*Rule* `lambda-errors`  ·  *Severity* critical\n' +
        '*Fingerprint* `ERROR &lt;*&gt; failed for user &lt;*&gt;`\n' +
        '*Alerted* 2024-01-01T11:58:00Z  ·  *Last seen* 2024-01-01T12:00:00Z (UTC)  ·  quiet for 45 min',
      'CloudWatch log alerts  ·  resolved  ·  2024-01-01T12:45:00Z',
    ]);
  });

  it('redacts and escapes the fingerprint and the rule id', () => {
    const payload = buildResolvedMessage(
      { ...resolved, ruleId: '<!channel>', fingerprint: 'login token=abc123 `x` <@U1>' },
      { now: T0, extraRedactions: [/x/] },
    );
    expectOnlyOurTokens(payload);
    expect(payload.text).toBe('✅ RESOLVED &lt;!channel&gt;: quiet since 2024-01-01T12:00:00Z');
    expect(texts(payload)[1]).toContain('*Fingerprint* `login token=[REDACTED:token] ˋ[REDACTED:custom]ˋ &lt;@U1&gt;`');
  });

  it('links Logs Insights from the alert to now when given the groups and pattern', () => {
    const payload = buildResolvedMessage(
      { ...resolved, logGroups: ['/aws/lambda/foo'], pattern: /ERROR/ },
      { now: T0 + 3_600_000, linkContextMinutes: 5 },
    );
    expectOnlyOurTokens(payload);
    const link = texts(payload)[2]!;
    expect(link).toMatch(new RegExp(`^<${CONSOLE_PREFIX.replace(/[?.]/g, '\\$&')}logsV2:logs-insights`));
    expect(link).toContain("(end~'2024-01-01T13*3a00*3a00.000Z~start~'2024-01-01T11*3a53*3a00.000Z~");
    expect(link).toMatch(/\|Logs Insights: this rule's hits since the alert>$/);
  });
});

describe('buildIncidentMessages', () => {
  function part(ruleId: string, logGroup: string, logStream: string, at: number, message: string, mention?: string): Alert {
    const alert = makeAlert({ ruleId, message, firstSeen: at, lastSeen: at, logGroups: [logGroup], count: 1 });
    alert.rule = makeRule({ id: ruleId, ...(mention ? { mention } : {}), severity: ruleId.startsWith('api') ? 'warning' : 'critical' });
    alert.sample = { ...alert.sample, logGroup, logStream, timestamp: at };
    alert.streams = [{ logGroup, logStream }];
    return alert;
  }

  it('lists each part in time order with its own stream link, plus the trace link', () => {
    const alerts = [
      part('lambda-errors', '/aws/lambda/orders', 'orders-stream', T0 + 2_000, `ERROR boom Root=${TRACE}`, 'here'),
      part('api-5xx', '/aws/apigateway/orders', 'gw-stream', T0, `502 Bad Gateway ${TRACE}`),
    ];
    const [payload, ...rest] = buildIncidentMessages([{ key: TRACE, keyKind: 'trace', alerts }], OPTS);
    expect(rest).toHaveLength(0);
    expectWithinSlackLimits(payload!);
    expectOnlyOurTokens(payload!, ['<!here>']);
    expect(payload!.text).toBe('<!here> 🔴 CRITICAL incident: 2 alerts share one trace');
    const [header, intro, links, first, second, footer] = texts(payload!);
    expect(header).toBe('🔴 CRITICAL: 2 alerts share one trace');
    expect(intro).toBe(
      `*Trace* \`${TRACE}\`  ·  2 alerts from 2 rules in 2 log groups\n` +
        '*First seen* 2024-01-01T12:00:00Z  ·  *Last seen* 2024-01-01T12:00:02Z (UTC)\ncc <!here>',
    );
    expect(links).toMatch(new RegExp(`^<[^|]+#xray:traces/${TRACE}\\|X-Ray trace ${TRACE}>  •  <[^|]+logs-insights[^|]+\\|Logs Insights: every line with this trace id>$`));
    expect(links).toContain(`like*20*22${TRACE}*22`);
    // Parts in time order: the gateway saw it first.
    expect(first).toMatch(/^\*1\.\* 🟠 `api-5xx`  ·  1 hit  ·  2024-01-01T12:00:00Z\n`\/aws\/apigateway\/orders` \/ `gw-stream`\n```\n502 Bad Gateway /);
    expect(first).toMatch(/log-group\/\$252Faws\$252Fapigateway\$252Forders\/log-events\/gw-stream\$3F[^|]+\|Log stream at the hit \(±5 min\)>$/);
    expect(second).toMatch(/^\*2\.\* 🔴 `lambda-errors`/);
    expect(second).toMatch(/log-events\/orders-stream\$3F[^|]+\|Log stream at the hit \(±5 min\)>$/);
    expect(footer).toBe('CloudWatch log alerts  ·  incident  ·  2024-01-01T12:10:00Z');
  });

  it('shows a hostile request id literally, with no trace link and no query built from it', () => {
    const key = '"; <!channel> `x` password=hunter2';
    const alerts = [part('a', '/g/a', 's1', T0, 'ERROR a'), part('b', '/g/b', 's2', T0, 'ERROR b')];
    const [payload] = buildIncidentMessages([{ key, keyKind: 'request', alerts }], OPTS);
    expectOnlyOurTokens(payload!);
    const all = allTexts(payload!).join('\n');
    expect(all).toContain('*Request id* `"; &lt;!channel&gt; ˋxˋ password=[REDACTED:password]`');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('xray');
    expect(all).not.toContain('Logs Insights: every line');
  });

  it('queries a plain request id, and links no trace for a "trace" key that is not an X-Ray id', () => {
    const alerts = [part('a', '/g/a', 's1', T0, 'ERROR a'), part('b', '/g/b', 's2', T0, 'ERROR b')];
    const [byRequest] = buildIncidentMessages(
      [{ key: '8f0c9d6e-2b1a-4c3d-9e8f-0a1b2c3d4e5f', keyKind: 'request', alerts }],
      OPTS,
    );
    expect(allTexts(byRequest!).join('\n')).toContain('|Logs Insights: every line with this request id>');
    const [badTrace] = buildIncidentMessages([{ key: 'not-a-trace', keyKind: 'trace', alerts }], OPTS);
    expect(allTexts(badTrace!).join('\n')).not.toContain('#xray:');
  });

  it('continues a large incident over several messages within the limits, every part once', () => {
    const alerts = Array.from({ length: 60 }, (_, i) =>
      part(`rule-${i}`, `/aws/lambda/${'f'.repeat(200)}${i}`, `${'s'.repeat(300)}${i}`, T0 + i, `ERROR ${'é'.repeat(5000)}`),
    );
    const payloads = buildIncidentMessages([{ key: TRACE, keyKind: 'trace', alerts }], OPTS);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) {
      expectWithinSlackLimits(payload);
      expectOnlyOurTokens(payload);
    }
    expect(headersOf(payloads)).toEqual([
      '🔴 CRITICAL: 60 alerts share one trace',
      ...payloads.slice(1).map(() => '🔴 CRITICAL: 60 alerts share one trace (continued)'),
    ]);
    const numbers = payloads.flatMap(texts).flatMap((t) => (t.match(/^\*(\d+)\.\*/) ? [Number(t.match(/^\*(\d+)\.\*/)![1])] : []));
    expect(numbers).toEqual(alerts.map((_, i) => i + 1));
    payloads.forEach((p, i) => expect(p.text).toMatch(new RegExp(`\\(${i + 1}/${payloads.length}\\)$`)));
  });

  it('orders incidents most severe first and skips empty ones', () => {
    const warn = [part('api-a', '/g/a', 's', T0, 'x'), part('api-b', '/g/b', 's', T0, 'y')];
    const crit = [part('c-a', '/g/a', 's', T0 + 5, 'x'), part('c-b', '/g/b', 's', T0 + 5, 'y')];
    const payloads = buildIncidentMessages(
      [
        { key: 'r1', keyKind: 'request', alerts: warn },
        { key: 'r2', keyKind: 'request', alerts: [] },
        { key: 'r3', keyKind: 'request', alerts: crit },
      ],
      OPTS,
    );
    expect(headersOf(payloads)).toEqual(['🔴 CRITICAL: 2 alerts share one request', '🟠 WARNING: 2 alerts share one request']);
  });
});

describe('buildHealthMessage', () => {
  const empty = { failures: [], pendingMessages: 0, disabledRules: [], configProblems: [] };

  it('says healthy when there is nothing to report', () => {
    const payload = buildHealthMessage(empty, { now: T0 });
    expectWithinSlackLimits(payload);
    expect(payload.text).toBe('✅ CloudWatch log alerts scanner healthy');
    expect(texts(payload)).toEqual([
      '✅ Scanner healthy',
      'No failed log groups, undelivered messages, backlog, disabled rules or config problems.',
      'CloudWatch log alerts  ·  scanner health  ·  2024-01-01T12:00:00Z',
    ]);
  });

  it('lists every kind of problem', () => {
    const payload = buildHealthMessage(
      {
        failures: [
          { logGroup: '/aws/lambda/x', error: 'AccessDeniedException: not authorized' },
          { logGroup: '/aws/lambda/<!here>', error: 'ThrottlingException with token=abc123' },
        ],
        pendingMessages: 3,
        backlogMinutes: 17.4,
        disabledRules: ['slow-rule', 'bad `rule`'],
        configProblems: ['rules.yaml:3:1: rule x: pattern <a> is invalid'],
      },
      { now: T0 },
    );
    expectWithinSlackLimits(payload);
    expectOnlyOurTokens(payload);
    expect(payload.text).toBe(
      '🩺 CloudWatch log alerts scanner: 2 log groups failed, 3 messages undelivered, 17 min behind, 2 rules disabled, 1 config problem',
    );
    expect(texts(payload)).toEqual([
      '🩺 Scanner health: 5 problems',
      '*Log groups that could not be scanned* (2)\n' +
        '• `/aws/lambda/x`: AccessDeniedException: not authorized\n' +
        '• `/aws/lambda/&lt;!here&gt;`: ThrottlingException with token=[REDACTED:token]',
      '*Undelivered Slack messages* 3 pending\n*Backlog* scanning is 17 min behind schedule',
      '*Disabled rules* (2)\n`slow-rule`, `bad ˋruleˋ`',
      '*Config problems* (1)\n• rules.yaml:3:1: rule x: pattern &lt;a&gt; is invalid',
      'CloudWatch log alerts  ·  scanner health  ·  2024-01-01T12:00:00Z',
    ]);
  });

  it('shortens long lists and says how many were left out', () => {
    const payload = buildHealthMessage(
      {
        failures: Array.from({ length: 500 }, (_, i) => ({ logGroup: `/aws/lambda/${'g'.repeat(400)}${i}`, error: 'e'.repeat(1000) })),
        pendingMessages: 0,
        disabledRules: Array.from({ length: 500 }, (_, i) => `rule-${i}-${'r'.repeat(100)}`),
        configProblems: Array.from({ length: 500 }, (_, i) => `rules.yaml:${i}:1: ${'p'.repeat(500)}`),
      },
      { now: T0 },
    );
    expectWithinSlackLimits(payload);
    const [, failures, disabled, problems] = texts(payload);
    expect(failures).toMatch(/\n_…and \d+ more_$/);
    expect(disabled).toMatch(/, _…and \d+ more_$/);
    expect(problems).toMatch(/\n_…and \d+ more_$/);
  });
});
