import type { Rule, Severity } from '../../../src/config/types';
import type { Alert } from '../../../src/dedup/types';
import { jsonBytes, SLACK_LIMITS, type SlackBlock, type SlackPayload } from '../../../src/alerts';

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

export function makeRule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'lambda-errors',
    description: 'Unhandled errors in Lambda functions',
    severity: 'critical',
    logGroups: ['/aws/lambda/*'],
    pattern: /ERROR/,
    exclude: [],
    location: { file: 'rules.yaml', line: 1, col: 1 },
    ...overrides,
  };
}

export function makeAlert(overrides: Partial<Alert> & { severity?: Severity; message?: string; ruleId?: string } = {}): Alert {
  const { severity, message, ruleId, ...rest } = overrides;
  const sample = {
    logGroup: '/aws/lambda/foo',
    logStream: '2024/01/01/[$LATEST]abc',
    timestamp: T0,
    message: message ?? 'ERROR something broke',
    eventId: 'e1',
  };
  return {
    rule: makeRule({ ...(severity ? { severity } : {}), ...(ruleId ? { id: ruleId } : {}) }),
    fingerprint: 'fp',
    count: 3,
    firstSeen: T0,
    lastSeen: T0 + 120_000,
    logGroups: ['/aws/lambda/foo'],
    streams: [{ logGroup: sample.logGroup, logStream: sample.logStream }],
    sample,
    ...rest,
  };
}

export const OPTS = { region: 'us-east-1', linkContextMinutes: 5, maxSampleChars: 1500, now: T0 + 600_000 };

export function textsOf(block: SlackBlock): string[] {
  if (block.type === 'header' || block.type === 'section') return [block.text.text];
  if (block.type === 'context') return block.elements.map((e) => e.text);
  return [];
}

export function allTexts(payload: SlackPayload): string[] {
  return [payload.text, ...payload.blocks.flatMap(textsOf)];
}

export function sampleSection(payload: SlackPayload, index = 0): string {
  const samples = payload.blocks.flatMap(textsOf).filter((t) => t.startsWith('```') || t.startsWith('_The sample'));
  const text = samples[index];
  if (text === undefined) throw new Error(`no sample section #${index}`);
  return text;
}

/** The lines between the code fences of a sample section. */
export function codeBody(section: string): string {
  const start = section.indexOf('```\n') + 4;
  const end = section.lastIndexOf('\n```');
  return section.slice(start, end);
}

/** Every structural Slack limit we rely on, plus our byte cap, checked on a built payload. */
export function expectWithinSlackLimits(payload: SlackPayload): void {
  expect(payload.text.trim().length).toBeGreaterThan(0);
  expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  let total = 0;
  for (const block of payload.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    for (const text of textsOf(block)) {
      expect(text.length).toBeGreaterThan(0);
      total += text.length;
    }
  }
  expect(total).toBeLessThanOrEqual(SLACK_LIMITS.messageBlockText);
  expect(jsonBytes(payload)).toBeLessThanOrEqual(SLACK_LIMITS.payloadBytes);
}

/**
 * Every `<…>` token in the payload is a console link or one of `allowed` (the rule's own mentions,
 * a runbook link): nothing from a log line can ping, link or close a token.
 */
export function expectOnlyOurTokens(payload: SlackPayload, allowed: string[] = []): void {
  for (const text of allTexts(payload)) {
    for (const token of text.match(/<[^>]*>?/g) ?? []) {
      if (allowed.includes(token)) continue;
      if (!token.startsWith(`<${CONSOLE_PREFIX}`)) throw new Error(`unexpected Slack token ${token} in ${JSON.stringify(text)}`);
      expect(token).toMatch(/^<[^<>|\s]+\|[^<>|]+>$/);
    }
  }
}

export const CONSOLE_PREFIX = 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#';
