import {
  buildSlackMessages,
  deliverSlackMessages,
  jsonBytes,
  planSlackMessages,
  SLACK_LIMITS,
  type SlackMessageOptions,
  type SlackPayload,
} from '../../../src/alerts';
import { alertBlocks } from '../../../src/alerts/slack/alert-blocks';
import { startSlackReceiver } from '../../support/slack-receiver';
import {
  allTexts,
  codeBody,
  expectOnlyOurTokens,
  expectWithinSlackLimits,
  makeAlert,
  makeRule,
  OPTS,
  sampleSection,
} from './alert-fixtures';

const ZWSP = '\u200b';
const FFFD = '\uFFFD';

function onlyPayload(message: string, opts: SlackMessageOptions = OPTS): SlackPayload {
  const payloads = buildSlackMessages([makeAlert({ message })], opts);
  expect(payloads).toHaveLength(1);
  const [payload] = payloads;
  if (!payload) throw new Error('no payload');
  expectWithinSlackLimits(payload);
  expectOnlyOurTokens(payload);
  return payload;
}

describe('hostile log lines are shown literally', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here>', '&lt;!here&gt;'],
    ['<!everyone>', '&lt;!everyone&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['<#C123|general>', '&lt;#C123|general&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
    ['*bold* _it_ ~strike~ > quote', '*bold* _it_ ~strike~ &gt; quote'],
    ['a `code` b', 'a `code` b'],
    ['```js\nx\n```', `\`${ZWSP}\`${ZWSP}\`js\nx\n\`${ZWSP}\`${ZWSP}\``],
    ['````', `\`${ZWSP}\`${ZWSP}\`${ZWSP}\``],
    [':rotating_light: @here #general', ':rotating_light: @here #general'],
  ])('%j → a code block holding exactly %j', (message, body) => {
    const payload = onlyPayload(message);
    expect(sampleSection(payload)).toBe(`\`\`\`\n${body}\n\`\`\``);
    // The notification text never carries log text.
    expect(payload.text).toBe('🔴 CRITICAL lambda-errors: 3 hits');
    const sample = payload.blocks.find((b) => b.type === 'section' && b.text.text === sampleSection(payload));
    expect(sample?.type === 'section' && sample.text.verbatim).toBe(true);
  });

  it('shows control characters as U+FFFD, drops colour codes and carriage returns, keeps tabs and newlines', () => {
    const payload = onlyPayload('a\u0000b\u001b[31mRED\u001b[0m\r\n\tc\u0007d\u007fe\u0085f\u001bg');
    expect(codeBody(sampleSection(payload))).toBe(`a${FFFD}bRED\n\tc${FFFD}d${FFFD}e${FFFD}f${FFFD}g`);
  });

  it('drops terminal hyperlinks (OSC 8) but keeps their visible text', () => {
    const payload = onlyPayload('see \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 now');
    expect(codeBody(sampleSection(payload))).toBe('see click now');
  });

  it('neutralises bidi overrides and isolates (Trojan Source), keeps RTL marks', () => {
    const line = 'user\u202e\u2066 nimda\u2069\u2066 = role\u202c \u200fשלום';
    const payload = onlyPayload(line);
    expect(codeBody(sampleSection(payload))).toBe(`user${FFFD}${FFFD} nimda${FFFD}${FFFD} = role${FFFD} \u200fשלום`);
  });

  it('treats Unicode line separators as newlines', () => {
    expect(codeBody(sampleSection(onlyPayload('a\u2028b\u2029c')))).toBe('a\nb\nc');
  });

  it('shows invalid UTF-8 (decoded to U+FFFD) and lone surrogates as replacement characters', () => {
    const decoded = Buffer.from([0x45, 0x52, 0xff, 0xfe, 0xc3, 0x28, 0x21]).toString('utf8');
    expect(codeBody(sampleSection(onlyPayload(decoded)))).toBe(`ER${FFFD}${FFFD}${FFFD}(!`);
    expect(codeBody(sampleSection(onlyPayload('a\uD800b\uDFFFc')))).toBe(`a${FFFD}b${FFFD}c`);
  });

  it('shows JSON cut off mid-object as is, and the payload is still valid JSON', () => {
    const line = '{"level":"error","msg":"boom <!here>","data":{"items":[1,2,';
    const payload = onlyPayload(line);
    expect(codeBody(sampleSection(payload))).toBe('{"level":"error","msg":"boom &lt;!here&gt;","data":{"items":[1,2,');
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('escapes hostile stream and log group names and never links them', () => {
    const alert = makeAlert({ logGroups: ['/a/<!here>/*x*'] });
    alert.sample = { ...alert.sample, logGroup: '/a/<!here>/*x*', logStream: 'st `<@U1>` ~s~ password=hunter2' };
    const [payload] = buildSlackMessages([alert], OPTS);
    expectOnlyOurTokens(payload!);
    const text = allTexts(payload!).join('\n');
    expect(text).toContain('*Log group* `/a/&lt;!here&gt;/*x*`');
    expect(text).toContain('*Sample* from `st ˋ&lt;@U1&gt;ˋ ~s~ password=[REDACTED:password]` at');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('_Log stream link left out: the log group or stream name contains what looks like a secret._');
  });
});

describe('secrets are redacted before anything is cut or escaped', () => {
  it('redacts the sample line', () => {
    const payload = onlyPayload(
      'ERROR auth failed Authorization: Bearer abcdefghijklmnop key=AKIAIOSFODNN7EXAMPLE url=https://bob:pw@db.example/x',
    );
    expect(codeBody(sampleSection(payload))).toBe(
      'ERROR auth failed Authorization: Bearer [REDACTED:bearer-token] key=[REDACTED:aws-access-key-id] url=https://bob:[REDACTED:url-password]@db.example/x',
    );
  });

  it('does not leak the first half of a secret that straddles the truncation point', () => {
    const maxSampleChars = 100;
    for (let cut = 80; cut <= 100; cut++) {
      const line = `${'x'.repeat(cut - 10)} password=hunter2hunter2hunter2 AKIAIOSFODNN7EXAMPLE`;
      const payload = onlyPayload(line, { ...OPTS, maxSampleChars });
      const body = codeBody(sampleSection(payload));
      expect(body).not.toMatch(/hunter|AKIA|IOSF/);
      expect(body.length).toBeLessThanOrEqual(maxSampleChars);
    }
  });

  it('redacts a private key cut off by CloudWatch before its END line, and ANSI codes cannot split a key id', () => {
    const payload = onlyPayload(`cfg {"pem":"-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA${'Q'.repeat(5000)}`);
    expect(codeBody(sampleSection(payload))).toBe('cfg {"pem":"[REDACTED:private-key]');
    const split = onlyPayload('key AKIA\u001b[1mIOSFODNN7EXAMPLE\u001b[0m');
    expect(codeBody(sampleSection(split))).toBe('key [REDACTED:aws-access-key-id]');
  });

  it('applies the extra patterns from the build options', () => {
    const payload = onlyPayload('customer 123-45-6789 failed', { ...OPTS, extraRedactions: [/\b\d{3}-\d{2}-\d{4}\b/] });
    expect(codeBody(sampleSection(payload))).toBe('customer [REDACTED:custom] failed');
  });

  it('leaves no secret anywhere in a payload built from secret-laden names and lines', () => {
    const alert = makeAlert({ message: 'xoxb-1234-5678-abcdefgh https://hooks.slack.com/services/T1/B1/ZZZZ' });
    alert.sample = { ...alert.sample, logStream: 'token=abcdef123456' };
    const raw = JSON.stringify(buildSlackMessages([alert], OPTS));
    expect(raw).not.toMatch(/xoxb-1234|hooks\.slack\.com|abcdef123456/);
  });
});

describe('size limits', () => {
  it('cuts a 256 KB event to the sample cap and keeps the payload small', () => {
    const payload = onlyPayload(`ERROR ${'{"k":"v"},'.repeat(26_214)}`);
    const section = sampleSection(payload);
    expect(codeBody(section)).toHaveLength(OPTS.maxSampleChars);
    expect(section).toMatch(/\n_Sample truncated: first 1499 of 262146 characters shown\._$/);
    expect(jsonBytes(payload)).toBeLessThan(8_000);
  });

  it('cuts a very long line without spaces at the section limit', () => {
    const payload = onlyPayload('A'.repeat(300_000), { ...OPTS, maxSampleChars: 1_000_000 });
    const section = sampleSection(payload);
    expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(section).toMatch(/\n_Sample truncated: first \d+ of 300000 characters shown\._$/);
  });

  it('keeps multi-byte text within the byte cap as well as the character limits', () => {
    const cjk = '漢字テキスト'.repeat(50_000);
    const alerts = Array.from({ length: 12 }, (_, i) => {
      const alert = makeAlert({ ruleId: `規則-${i}`, message: cjk, logGroups: [`/aws/lambda/${'関数'.repeat(200)}${i}`] });
      alert.rule = makeRule({ id: `規則-${i}`, description: '説明'.repeat(400) });
      alert.sample = { ...alert.sample, logStream: 'ストリーム'.repeat(100) };
      return alert;
    });
    const payloads = buildSlackMessages(alerts, { ...OPTS, maxSampleChars: 100_000 });
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expectWithinSlackLimits(payload);
  });

  it('gives way on the sample when an alert alone would outgrow a byte budget', () => {
    const alert = makeAlert({ message: '漢'.repeat(10_000) });
    const roomy = alertBlocks(alert, { ...OPTS, maxSampleChars: 10_000 }, 8_800, 100_000);
    const tight = alertBlocks(alert, { ...OPTS, maxSampleChars: 10_000 }, 8_800, 5_000);
    expect(jsonBytes(roomy)).toBeGreaterThan(8_000);
    expect(jsonBytes(tight)).toBeLessThanOrEqual(5_000);
    expect(tight.map((b) => b.type)).toEqual(roomy.map((b) => b.type));
  });

  it('splits many large alerts into several messages that Slack accepts, each alert exactly once', async () => {
    const alerts = Array.from({ length: 30 }, (_, i) =>
      makeAlert({ ruleId: `big-${String(i).padStart(2, '0')}`, count: 100 - i, message: `ERROR <!channel> ${'é'.repeat(256 * 1024)}` }),
    );
    const planned = planSlackMessages(alerts, { ...OPTS, maxSampleChars: 2_800 });
    expect(planned.length).toBeGreaterThanOrEqual(8);
    expect(planned.flatMap((m) => m.alerts.map((a) => a.rule.id))).toEqual(alerts.map((a) => a.rule.id));
    for (const { payload } of planned) {
      expectWithinSlackLimits(payload);
      expectOnlyOurTokens(payload);
    }
    const slack = await startSlackReceiver();
    try {
      const report = await deliverSlackMessages(slack.url, planned.map((m) => m.payload), { random: () => 0 });
      expect(report.failed).toEqual([]);
      expect(slack.posts.map((p) => p.response?.status)).toEqual(planned.map(() => 200));
    } finally {
      await slack.close();
    }
  });
});
