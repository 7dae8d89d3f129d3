import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadRuleFile, logGroupMatcher, type Rule } from '../../../src/config';
import { matchEvent } from '../../../src/matching';
import type { LogEvent } from '../../../src/sources';
import { PACK_SAMPLES } from './pack-samples';

const CONFIG_DIR = path.join(__dirname, '../../../config');
const PACKS = ['lambda', 'apigateway', 'dynamodb'];

const event = (logGroup: string, message: string): LogEvent => ({
  logGroup,
  logStream: '2024/05/01/[$LATEST]0123456789abcdef',
  timestamp: Date.parse('2024-05-01T12:00:00Z'),
  eventId: '1',
  message,
});

describe('built-in packs', () => {
  let rules: Rule[];
  let dir: string;
  beforeAll(async () => {
    // A rule file that includes every pack, resolved against the shipped config dir.
    dir = mkdtempSync(path.join(os.tmpdir(), 'cwla-packs-'));
    const file = path.join(dir, 'all.yml');
    writeFileSync(file, `include:\n${PACKS.map((p) => `  - packs/${p}\n`).join('')}`);
    const loaded = await loadRuleFile(file, { configDir: CONFIG_DIR });
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.disabled).toEqual([]);
    rules = loaded.rules;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has samples for every pack rule, and every rule knows its pack', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(PACK_SAMPLES).sort());
    expect(new Set(rules.map((r) => r.pack))).toEqual(new Set(PACKS));
  });

  describe.each(Object.entries(PACK_SAMPLES))('%s', (id, samples) => {
    const rule = () => rules.find((r) => r.id === id)!;
    const hits = (line: string) => matchEvent([rule()], event(samples.logGroup, line), samples.vars ? { vars: samples.vars } : undefined);
    it('covers its example log group', () => {
      expect(rule().logGroups.some((p) => logGroupMatcher(p)(samples.logGroup))).toBe(true);
    });
    it.each(samples.hits)('alerts on %j', (line) => expect(hits(line)).toHaveLength(1));
    it.each(samples.misses)('ignores %j', (line) => expect(hits(line)).toEqual([]));
    if (samples.firstHit) {
      it('captures what the alert shows', () => {
        const [hit] = hits(samples.hits[0]!);
        if (samples.firstHit!.captures) expect(hit!.captures).toMatchObject(samples.firstHit!.captures);
        if (samples.firstHit!.groupKey) expect(hit!.groupKey).toBe(samples.firstHit!.groupKey);
      });
    }
  });

  it('stays quiet (and does not fail) on the near-timeout rule when the scanner does not know the timeout', () => {
    const rule = rules.find((r) => r.id === 'lambda-duration-near-timeout')!;
    const line = PACK_SAMPLES['lambda-duration-near-timeout']!.hits[0]!;
    expect(matchEvent([rule], event('/aws/lambda/orders-api', line))).toEqual([]);
    expect(matchEvent([rule], event('/aws/lambda/orders-api', line), { vars: { memorySizeMb: 128 } })).toEqual([]);
    expect(matchEvent([rule], event('/aws/lambda/orders-api', line), { vars: { timeoutMs: 3000 } })).toHaveLength(1);
  });
});
