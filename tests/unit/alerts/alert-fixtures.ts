import type { Rule, Severity } from '../../../src/config/types';
import type { Alert } from '../../../src/dedup/types';
import type { SlackBlock, SlackPayload } from '../../../src/alerts';

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
