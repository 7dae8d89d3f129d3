import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, formatProblem, loadConfig, logGroupMatcher, SEVERITIES, type Config } from '../../../src/config';
import { REQUIRED_KEYS, RULE_ID, RULE_KEYS } from '../../../src/config/rule-schema';
import { matchEvent } from '../../../src/matching';
import { PACK_SAMPLES } from './pack-samples';

// The config in the repo is what gets deployed: it must load with no problems at all.
const CONFIG_DIR = path.join(__dirname, '../../../config');

describe('shipped config', () => {
  let config: Config;
  beforeAll(async () => {
    config = await loadConfig(CONFIG_DIR, { stage: 'prod' });
    expect(config.problems.map(formatProblem)).toEqual([]);
  });

  it('loads with default settings and routes every alert to the stage webhook parameter', () => {
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
    expect(config.channels).toEqual({ default: '/cloudwatch-log-alerts/prod/slack-webhook-url', severities: {}, rules: {}, named: {} });
  });

  it('takes its rules from the lambda and apigateway packs, each with real-format samples', () => {
    expect(config.rules.every((r) => r.pack === 'lambda' || r.pack === 'apigateway')).toBe(true);
    expect(config.rules.map((r) => r.id).filter((id) => !PACK_SAMPLES[id])).toEqual([]);
    expect(config.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['lambda-timeout', 'lambda-out-of-memory', 'apigw-execution-5xx']));
    expect(config.packFiles?.map((f) => path.basename(f))).toEqual(['apigateway.yml', 'lambda.yml']);
  });

  it('alerts on the samples of every shipped rule', () => {
    for (const rule of config.rules) {
      const s = PACK_SAMPLES[rule.id]!;
      expect(rule.logGroups.some((p) => logGroupMatcher(p)(s.logGroup))).toBe(true);
      const run = (message: string) =>
        matchEvent([rule], { logGroup: s.logGroup, logStream: 's', timestamp: 0, eventId: '1', message }, s.vars ? { vars: s.vars } : undefined);
      for (const line of s.hits) expect([rule.id, line, run(line).length]).toEqual([rule.id, line, 1]);
      for (const line of s.misses) expect([rule.id, line, run(line).length]).toEqual([rule.id, line, 0]);
    }
  });

  it('has an editor schema that agrees with the validator', () => {
    const schema = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'schema/rules.schema.json'), 'utf8'));
    const ruleSchema = schema.properties.rules.items;
    expect(Object.keys(ruleSchema.properties)).toEqual([...RULE_KEYS]);
    expect(ruleSchema.required).toEqual([...REQUIRED_KEYS]);
    expect(ruleSchema.anyOf).toEqual([{ required: ['pattern'] }, { required: ['fields'] }]);
    expect(ruleSchema.properties.id.pattern).toBe(RULE_ID.source);
    expect(ruleSchema.properties.severity.enum).toEqual([...SEVERITIES]);
    expect(Object.keys(schema.properties)).toEqual(['include', 'rules']);
  });
});
