import { load, rule } from './config-fixture';

const PACK = `rules:
${rule('pack-a')}${rule('pack-b', "    owner: '@team-b'\n")}`;

describe('include: packs', () => {
  it('pulls a pack’s rules in, in include order, before the file’s own rules', async () => {
    const { lines, ids, config } = await load({
      'packs/base.yml': PACK,
      'rules/a.yml': `include: packs/base\nrules:\n${rule('own')}`,
    });
    expect(lines).toEqual([]);
    expect(ids).toEqual(['pack-a', 'pack-b', 'own']);
    expect(config.rules.map((r) => r.pack)).toEqual(['base', 'base', undefined]);
    expect(config.packFiles?.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['packs/base.yml']);
  });

  it('accepts a file with only include:, and a list of packs', async () => {
    const { lines, ids } = await load({
      'packs/base.yml': PACK,
      'packs/more.yml': `rules:\n${rule('more-a')}`,
      'rules/a.yml': `include:\n  - packs/base\n  - packs/more\n`,
    });
    expect(lines).toEqual([]);
    expect(ids).toEqual(['pack-a', 'pack-b', 'more-a']);
  });

  it('lets the including file override a pack rule’s keys by id, or switch it off', async () => {
    const { lines, ids, config } = await load({
      'packs/base.yml': PACK,
      'rules/a.yml': `include: packs/base
rules:
  - id: pack-a
    severity: critical
    logGroups: ['/aws/lambda/orders-*']
  - id: pack-b
    enabled: false
`,
    });
    expect(lines).toEqual([]);
    expect(ids).toEqual(['pack-a']);
    expect(config.disabledRules).toEqual(['pack-b']);
    // Overridden keys win; the rest come from the pack.
    expect(config.rules[0]).toMatchObject({ severity: 'critical', logGroups: ['/aws/lambda/orders-*'], description: 'test rule pack-a', pack: 'base' });
    expect(config.rules[0]!.pattern.source).toBe('ERROR');
  });

  it('reports a problem in an override at the line that caused it, in whichever file it is', async () => {
    const { lines, at } = await load({
      'packs/base.yml': `rules:\n${rule('pack-a', "    when: 'code > 5'\n")}`,
      'rules/a.yml': `include: packs/base
rules:
  - id: pack-a
    severity: urgent
    pattern: 'code=(?<code>\\d+)'
  - id: pack-a-typo
    enabled: false
`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:4:15: rule pack-a: severity must be one of info, warning, critical, got 'urgent'`,
      `${at('rules/a.yml')}:6:5: rule pack-a-typo: missing required key 'description'`,
      `${at('rules/a.yml')}:6:5: rule pack-a-typo: missing required key 'severity'`,
      `${at('rules/a.yml')}:6:5: rule pack-a-typo: missing required key 'logGroups'`,
      `${at('rules/a.yml')}:6:5: rule pack-a-typo: missing required key 'pattern' (or 'fields', to match JSON log lines)`,
    ]);
  });

  it('reports problems inside a pack at the pack file’s positions', async () => {
    const { lines, ids, at } = await load({
      'packs/base.yml': `rules:\n${rule('pack-a')}${rule('pack-bad', "    exclude: ['(']\n")}`,
      'rules/a.yml': `include: packs/base\n`,
    });
    expect(lines).toEqual([`${at('packs/base.yml')}:12:15: rule pack-bad: exclude[0] is not a valid regular expression: /(/: Unterminated group`]);
    expect(ids).toEqual(['pack-a']);
  });

  it('reports unknown and malformed includes at the value, and a pack included twice', async () => {
    const { lines, at } = await load({
      'packs/lambda.yml': `rules:\n${rule('pack-a')}`,
      'rules/a.yml': `include:\n  - packs/lamda\n  - lambda\n  - packs/lambda\n`,
      'rules/b.yml': `include: packs/lambda\n`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:2:5: unknown pack 'packs/lamda', did you mean 'packs/lambda'?`,
      `${at('rules/a.yml')}:3:5: 'include' entries must look like packs/<name> (e.g. packs/lambda), got 'lambda'`,
      `${at('rules/b.yml')}:1:10: pack 'packs/lambda' is already included at ${at('rules/a.yml')}:4:5; include each pack once`,
    ]);
  });

  it('reports a pack that includes another pack, and a duplicate id between a pack and a rule file', async () => {
    const { lines, at } = await load({
      'packs/base.yml': `include: packs/other\nrules:\n${rule('shared')}`,
      'rules/a.yml': `include: packs/base\n`,
      'rules/b.yml': `rules:\n${rule('shared')}`,
    });
    expect(lines).toEqual([
      `${at('packs/base.yml')}:1:1: a pack cannot include other packs; include both from the rule file instead`,
      `${at('rules/b.yml')}:2:9: rule shared: duplicate id 'shared', first defined at ${at('packs/base.yml')}:3:9`,
    ]);
  });
});
