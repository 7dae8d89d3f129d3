import { buildSlackMessages, type SlackPayload } from '../../../src/alerts';
import { allTexts, codeBody, expectWithinSlackLimits, makeAlert, makeRule, OPTS, sampleSection, T0, textsOf } from './alert-fixtures';

const CONSOLE = 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#';


/** The only `<…>` tokens allowed anywhere are our own console links. */
function expectOnlyConsoleLinks(payload: SlackPayload): void {
  for (const text of allTexts(payload)) {
    for (const token of text.match(/<[^>]*>?/g) ?? []) {
      expect(token.startsWith(`<${CONSOLE}`)).toBe(true);
      expect(token).toMatch(/^<[^<>|\s]+\|[^<>|]+>$/);
    }
  }
}

function headers(payloads: SlackPayload[]): string[] {
  return payloads.flatMap((p) => p.blocks).flatMap((b) => (b.type === 'header' ? [b.text.text] : []));
}

describe('buildSlackMessages', () => {
  it('renders one alert with severity, rule, counts, times, groups, sample and links', () => {
    const alert = makeAlert({
      message: 'ERROR boom X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      logGroups: ['/aws/lambda/foo', '/aws/lambda/bar'],
      streams: [
        { logGroup: '/aws/lambda/foo', logStream: 's1' },
        { logGroup: '/aws/lambda/bar', logStream: 's2' },
        { logGroup: '/aws/lambda/bar', logStream: 's3' },
      ],
    });
    const [payload, ...rest] = buildSlackMessages([alert], OPTS);
    expect(rest).toHaveLength(0);
    if (!payload) throw new Error('no payload');
    expectWithinSlackLimits(payload);
    expectOnlyConsoleLinks(payload);
    expect(payload.text).toBe('🔴 CRITICAL lambda-errors: 3 hits');
    expect(payload.unfurl_links).toBe(false);
    expect(payload.unfurl_media).toBe(false);
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(headers([payload])).toEqual(['🔴 CRITICAL: lambda-errors']);
    const [summary = '', sample = '', links = ''] = payload.blocks.slice(1, 4).flatMap(textsOf);
    expect(summary).toContain('*Rule* `lambda-errors`: Unhandled errors in Lambda functions');
    expect(summary).toContain('*Count* 3');
    expect(summary).toContain('*First seen* 2024-01-01T12:00:00Z');
    expect(summary).toContain('*Last seen* 2024-01-01T12:02:00Z (UTC)');
    expect(summary).toContain('*Log groups* `/aws/lambda/foo`, `/aws/lambda/bar`  ·  *Streams* 3');
    expect(summary).toContain('*Sample* from `2024/01/01/[$LATEST]abc` at 2024-01-01T12:00:00Z');
    expect(sample).toBe('```\nERROR boom X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1\n```');
    expect(links).toBe(
      [
        `<${CONSOLE}logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffoo/log-events/2024$252F01$252F01$252F$255B$2524LATEST$255Dabc` +
          `$3Fstart$3D${T0 - 300_000}$26end$3D${T0 + 300_000}|Log stream at the hit (±5 min)>`,
        `<${CONSOLE}logsV2:logs-insights$3FqueryDetail$3D~(end~'2024-01-01T12*3a07*3a00.000Z~start~'2024-01-01T11*3a55*3a00.000Z` +
          "~timeType~'ABSOLUTE~tz~'UTC~editorString~'fields*20*40timestamp*2c*20*40logStream*2c*20*40message*20*7c*20filter" +
          "*20*40message*20like*20*2fERROR*2f*20*7c*20sort*20*40timestamp*20desc*20*7c*20limit*20100" +
          "~source~(~'*2faws*2flambda*2ffoo~'*2faws*2flambda*2fbar)~lang~'CWLI)|Logs Insights: this rule's hits>",
        `<${CONSOLE}xray:traces/1-5759e988-bd862e3fe1be46a994272793|X-Ray trace 1-5759e988-bd862e3fe1be46a994272793>`,
      ].join('  •  '),
    );
    const footer = payload.blocks[4];
    expect(footer?.type === 'context' && footer.elements[0]?.text).toBe('CloudWatch log alerts  ·  1 alert this run  ·  2024-01-01T12:10:00Z');
  });

  it('uses the alert traceId when the dedup stage found one, and no trace link without one', () => {
    const [withId] = buildSlackMessages([makeAlert({ traceId: '1-6352641a-03093dcd66a913fd00a682ac' })], OPTS);
    expect(allTexts(withId!).join()).toContain('#xray:traces/1-6352641a-03093dcd66a913fd00a682ac|');
    const [without] = buildSlackMessages([makeAlert()], OPTS);
    expect(allTexts(without!).join()).not.toContain('xray');
  });

  it('returns no messages for no alerts', () => {
    expect(buildSlackMessages([], OPTS)).toEqual([]);
  });

  describe('escaping', () => {
    const hostile = [
      '<!channel> wake up',
      '<!here>',
      '<!everyone>',
      '<@U123> and <#C123|general> and <!subteam^S123>',
      '<https://evil.example|click me>',
      '*bold* _italic_ ~strike~ > quote',
      '``` closes the block ``` and ```` more',
      'a & b &amp; &lt;!channel&gt;',
    ].join('\n');

    it('keeps log text from pinging, linking or closing the code block', () => {
      const [payload] = buildSlackMessages([makeAlert({ message: hostile })], OPTS);
      if (!payload) throw new Error('no payload');
      expectOnlyConsoleLinks(payload);
      expectWithinSlackLimits(payload);
      const section = sampleSection(payload);
      const body = codeBody(section);
      expect(body).toContain('&lt;!channel&gt; wake up');
      expect(body).toContain('&lt;!here&gt;');
      expect(body).toContain('&lt;@U123&gt;');
      expect(body).toContain('&lt;https://evil.example|click me&gt;');
      expect(body).toContain('*bold* _italic_');
      expect(body).toContain('a &amp; b &amp;amp; &amp;lt;!channel&amp;gt;');
      // The body holds no fence, so the only ``` are the two we wrote, each on its own line.
      expect(body).not.toContain('``');
      expect(section.match(/```/g)).toHaveLength(2);
      const sampleBlock = payload.blocks.find((b) => b.type === 'section' && b.text.text === section);
      expect(sampleBlock?.type === 'section' && sampleBlock.text.verbatim).toBe(true);
    });

    it('escapes rule text from the config too', () => {
      const alert = makeAlert();
      alert.rule = makeRule({ id: '<!channel>', description: '<@U123> & <https://evil.example|x>' });
      const [payload] = buildSlackMessages([alert], OPTS);
      if (!payload) throw new Error('no payload');
      expectOnlyConsoleLinks(payload);
      expect(payload.text).toBe('🔴 CRITICAL &lt;!channel&gt;: 3 hits');
      expect(headers([payload])).toEqual(['🔴 CRITICAL: &lt;!channel&gt;']);
      expect(allTexts(payload).join('\n')).toContain('&lt;@U123&gt; &amp; &lt;https://evil.example|x&gt;');
    });

    it('escapes log group and stream names', () => {
      const alert = makeAlert({ logGroups: ['/a/<!here>'] });
      alert.sample = { ...alert.sample, logStream: 'stream `<!channel>`' };
      const [payload] = buildSlackMessages([alert], OPTS);
      if (!payload) throw new Error('no payload');
      expectOnlyConsoleLinks(payload);
      expect(allTexts(payload).join('\n')).toContain('`/a/&lt;!here&gt;`');
    });
  });

  describe('truncation', () => {
    it('cuts a 256 KB line and says so', () => {
      const [payload] = buildSlackMessages([makeAlert({ message: `ERROR ${'word '.repeat(52_428)}` })], OPTS);
      if (!payload) throw new Error('no payload');
      expectWithinSlackLimits(payload);
      const section = sampleSection(payload);
      expect(codeBody(section).length).toBeLessThanOrEqual(OPTS.maxSampleChars);
      expect(codeBody(section).endsWith('…')).toBe(true);
      // 262,146 characters less the trailing space, which is trimmed before counting.
      expect(section).toMatch(/\n_Sample truncated: first 1499 of 262145 characters shown\._$/);
    });

    it('cuts a long line without spaces at the section limit even when maxSampleChars is larger', () => {
      const [payload] = buildSlackMessages([makeAlert({ message: 'x'.repeat(100_000) })], { ...OPTS, maxSampleChars: 50_000 });
      if (!payload) throw new Error('no payload');
      expectWithinSlackLimits(payload);
      expect(sampleSection(payload)).toContain('_Sample truncated:');
    });

    it('cuts multi-byte text on character boundaries', () => {
      for (const maxSampleChars of [1500, 1501, 7]) {
        const [payload] = buildSlackMessages([makeAlert({ message: '😀é中'.repeat(2000) })], { ...OPTS, maxSampleChars });
        if (!payload) throw new Error('no payload');
        const body = codeBody(sampleSection(payload));
        expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        expect(body.length).toBeLessThanOrEqual(maxSampleChars);
      }
    });

    it('cuts escaped text between entities', () => {
      const [payload] = buildSlackMessages([makeAlert({ message: '<>&'.repeat(5000) })], OPTS);
      if (!payload) throw new Error('no payload');
      expect(codeBody(sampleSection(payload))).toMatch(/^(&lt;&gt;&amp;)*(&lt;|&lt;&gt;)?…$/);
    });

    it('shortens long rule ids in the header and the notification text', () => {
      const [payload] = buildSlackMessages([makeAlert({ ruleId: 'r'.repeat(400) })], OPTS);
      if (!payload) throw new Error('no payload');
      expectWithinSlackLimits(payload);
      expect(headers([payload])[0]).toMatch(/^🔴 CRITICAL: r+…$/);
      expect(payload.text).toMatch(/^🔴 CRITICAL r+…: 3 hits$/);
    });

    it('stays within limits with hundreds of long log groups and names', () => {
      const groups = Array.from({ length: 80 }, (_, i) => `/aws/lambda/${'g'.repeat(480)}${i}`);
      const alert = makeAlert({ logGroups: groups, message: 'y'.repeat(300_000) });
      alert.sample = { ...alert.sample, logGroup: `/${'a/'.repeat(255)}`, logStream: '[x]/'.repeat(128) };
      alert.rule = makeRule({ description: 'd'.repeat(5000), pattern: new RegExp('z'.repeat(400)) });
      const payloads = buildSlackMessages([alert, makeAlert()], { ...OPTS, maxSampleChars: 100_000 });
      for (const payload of payloads) {
        expectWithinSlackLimits(payload);
        expectOnlyConsoleLinks(payload);
      }
      const text = allTexts(payloads[0]!).join('\n');
      expect(text).toContain('and 75 more');
      expect(text).toMatch(/Logs Insights: this rule's hits \(first \d+ of 80 log groups\)/);
      expect(text).toContain('_Log stream link left out: URL too long for Slack._');
    });
  });

  describe('ordering and splitting', () => {
    it('orders by severity, then count', () => {
      const payloads = buildSlackMessages(
        [
          makeAlert({ severity: 'info', ruleId: 'info-100', count: 100 }),
          makeAlert({ severity: 'critical', ruleId: 'crit-1', count: 1 }),
          makeAlert({ severity: 'warning', ruleId: 'warn-50', count: 50 }),
          makeAlert({ severity: 'critical', ruleId: 'crit-10', count: 10 }),
        ],
        OPTS,
      );
      expect(payloads).toHaveLength(1);
      expect(headers(payloads)).toEqual(['🔴 CRITICAL: crit-10', '🔴 CRITICAL: crit-1', '🟠 WARNING: warn-50', '🔵 INFO: info-100']);
      expect(payloads[0]?.text).toBe('🔴 CRITICAL crit-10: 10 hits and 3 more alerts');
    });

    it('splits 40 alerts into several messages, each within the limits, in order', () => {
      const alerts = Array.from({ length: 40 }, (_, i) =>
        makeAlert({ ruleId: `rule-${String(i).padStart(2, '0')}`, count: 1000 - i, severity: i < 10 ? 'critical' : 'warning' }),
      );
      const payloads = buildSlackMessages(alerts, OPTS);
      expect(payloads.length).toBeGreaterThan(1);
      for (const payload of payloads) {
        expectWithinSlackLimits(payload);
        expectOnlyConsoleLinks(payload);
      }
      expect(headers(payloads)).toEqual(
        alerts.map((a) => `${a.rule.severity === 'critical' ? '🔴 CRITICAL' : '🟠 WARNING'}: ${a.rule.id}`),
      );
      payloads.forEach((payload, i) => {
        expect(payload.text).toMatch(new RegExp(`\\(${i + 1}/${payloads.length}\\)$`));
        const footer = payload.blocks[payload.blocks.length - 1];
        expect(footer?.type === 'context' && footer.elements[0]?.text).toContain(`message ${i + 1} of ${payloads.length}  ·  40 alerts this run`);
      });
    });

    it('splits on the text budget when samples are long', () => {
      const alerts = Array.from({ length: 12 }, (_, i) => makeAlert({ ruleId: `big-${i}`, message: 'z'.repeat(256 * 1024) }));
      const payloads = buildSlackMessages(alerts, { ...OPTS, maxSampleChars: 2800 });
      expect(payloads.length).toBeGreaterThanOrEqual(4);
      for (const payload of payloads) expectWithinSlackLimits(payload);
      expect(headers(payloads)).toHaveLength(12);
    });

    it('does not reorder or modify the caller’s array', () => {
      const alerts = [makeAlert({ severity: 'info', ruleId: 'a' }), makeAlert({ severity: 'critical', ruleId: 'b' })];
      buildSlackMessages(alerts, OPTS);
      expect(alerts.map((a) => a.rule.id)).toEqual(['a', 'b']);
    });
  });

  it('links into the partition of the region', () => {
    const [payload] = buildSlackMessages([makeAlert()], { ...OPTS, region: 'cn-north-1' });
    expect(allTexts(payload!).join()).toContain('<https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:');
  });
});
