import { load, rule } from './config-fixture';

// Each kind of mistake must be reported as one exact `file:line:col: rule <id>: message` line,
// pointing at the key or value to fix, so CI output can be acted on without reading the code.

describe('rule problems', () => {
  it('reports YAML syntax errors at yaml’s position, naming the rule they are in', async () => {
    const { lines, ids, at } = await load({
      'rules/a.yml': `rules:
${rule('good')}  - id: bad-escape
    description: "uses \\d in double quotes"
    severity: info
    logGroups: ['x']
    pattern: 'x'
`,
    });
    expect(lines).toEqual([`${at('rules/a.yml')}:8:24: rule bad-escape: invalid YAML: Invalid escape sequence \\d`]);
    // The rule around the error may have been misread, so it is dropped; its neighbour is not.
    expect(ids).toEqual(['good']);
  });

  it('suggests the closest key for a misspelt key and does not also call it missing', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
  - id: typo
    description: d
    sevirity: critical
    logGroups: ['x']
    pattern: 'x'
    color: red
`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:4:5: rule typo: unknown key 'sevirity', did you mean 'severity'?`,
      `${at('rules/a.yml')}:7:5: rule typo: unknown key 'color' (known keys: id, description, severity, logGroups, pattern, exclude, flags, enabled, owner, runbook, mention, channel, realert, resolve, threshold, groupBy, fields, when)`,
    ]);
  });

  it('reports wrong types at the value', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
  - id: 42
    description: [not, text]
    severity: high
    logGroups: /aws/lambda/orders
    pattern: 500
`,
    });
    const f = at('rules/a.yml');
    expect(lines).toEqual([
      `${f}:2:9: rule #1: id must be a string, got number 42 (quote it to make it a string)`,
      `${f}:3:18: rule #1: description must be a non-empty string, got a list`,
      `${f}:4:15: rule #1: severity must be one of info, warning, critical, got 'high'`,
      `${f}:5:16: rule #1: logGroups must be a list of log group names or globs, got '/aws/lambda/orders' (write a list: logGroups: ['/aws/lambda/orders'])`,
      `${f}:6:14: rule #1: pattern must be a non-empty string, got number 500 (quote it to make it a string)`,
    ]);
  });

  it('reports missing required keys at the rule, and names a rule without id by its position', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
${rule('first')}  - description: no id
    logGroups: ['x']
`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:7:5: rule #2: missing required key 'id'`,
      `${at('rules/a.yml')}:7:5: rule #2: missing required key 'severity'`,
      `${at('rules/a.yml')}:7:5: rule #2: missing required key 'pattern' (or 'fields', to match JSON log lines)`,
    ]);
  });

  it('reports an empty value at its key', async () => {
    const { lines, at } = await load({ 'rules/a.yml': `rules:\n${rule('r')}    flags:\n` });
    expect(lines).toEqual([`${at('rules/a.yml')}:7:5: rule r: flags must be a string of letters from i, m, s, u (e.g. flags: i), got nothing`]);
  });

  it('reports invalid regexes with the engine’s message, in pattern and exclude', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
  - id: bad-regex
    description: d
    severity: info
    logGroups: ['x']
    pattern: 'Task (timed out'
    exclude:
      - 'fine'
      - '[z-a]'
`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:6:14: rule bad-regex: pattern is not a valid regular expression: /Task (timed out/: Unterminated group`,
      `${at('rules/a.yml')}:9:9: rule bad-regex: exclude[1] is not a valid regular expression: /[z-a]/: Range out of order in character class`,
    ]);
  });

  it('rejects patterns that would match every line', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
  - id: everything
    description: d
    severity: info
    logGroups: ['x']
    pattern: '(ERROR)?'
  - id: block-scalar
    description: d
    severity: info
    logGroups: ['x']
    pattern: |
      ERROR
`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:6:14: rule everything: pattern matches the empty string, so it would match every log line`,
      `${at('rules/a.yml')}:11:14: rule block-scalar: pattern ends with a line break (a \`|\` or \`>\` block keeps it; use \`|-\` or \`>-\`)`,
    ]);
  });

  it('reports a duplicate id at the second one, naming where the first is', async () => {
    const { lines, ids, at } = await load({
      'rules/a.yml': `rules:\n${rule('shared')}`,
      'rules/b.yml': `rules:\n${rule('other')}${rule('shared')}`,
    });
    expect(lines).toEqual([
      `${at('rules/b.yml')}:7:9: rule shared: duplicate id 'shared', first defined at ${at('rules/a.yml')}:2:9`,
    ]);
    expect(ids).toEqual(['shared', 'other']);
  });

  it('reports empty logGroups and entries that can never name a log group', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:
  - id: no-groups
    description: d
    severity: info
    logGroups: []
    pattern: 'x'
  - id: bad-groups
    description: d
    severity: info
    logGroups: ['/aws/lambda/my function', '/aws/lambda/[ab', 7]
    pattern: 'x'
`,
    });
    const f = at('rules/a.yml');
    expect(lines).toEqual([
      `${f}:5:16: rule no-groups: logGroups must list at least one log group name or glob`,
      `${f}:10:17: rule bad-groups: logGroups[0] contains ' ', which cannot appear in a log group name (allowed: letters, digits, _ - / . #, and globs * ? [...])`,
      `${f}:10:44: rule bad-groups: logGroups[1] has '[' without a closing ']' (or an empty class) at character 13`,
      `${f}:10:63: rule bad-groups: logGroups[2] must be a string, got number 7`,
    ]);
  });

  it('rejects g and y flags explaining why, and unknown flags', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rules:\n${rule('flagged', '    flags: igx\n')}${rule('sticky', '    flags: y\n')}`,
    });
    const f = at('rules/a.yml');
    expect(lines).toEqual([
      `${f}:7:12: rule flagged: flags must not contain 'g': a global regex keeps lastIndex between test() calls, so matches on later log lines would be missed`,
      `${f}:7:12: rule flagged: flags contains unknown flag 'x' (allowed: i, m, s, u)`,
      `${f}:13:12: rule sticky: flags must not contain 'y': a sticky regex keeps lastIndex between test() calls, so matches on later log lines would be missed`,
    ]);
  });

  it('reports a bad id format and a rule that is not a mapping', async () => {
    const { lines, at } = await load({ 'rules/a.yml': `rules:\n${rule('Orders API')}  - just text\n` });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:2:9: rule Orders API: id must match ^[a-z0-9][a-z0-9._-]*$ (lowercase letters, digits, '.', '_', '-'), got 'Orders API'`,
      `${at('rules/a.yml')}:7:5: rule #2: a rule must be a mapping with keys id, description, severity, logGroups, pattern, got 'just text'`,
    ]);
  });

  it('reports a wrong top level', async () => {
    const { lines, at } = await load({
      'rules/a.yml': `rule:\n${rule('x')}`,
      'rules/b.yml': `- id: x\n`,
      'rules/c.yml': `rules:\n`,
    });
    expect(lines).toEqual([
      `${at('rules/a.yml')}:1:1: unknown key 'rule', did you mean 'rules'?`,
      `${at('rules/a.yml')}:1:1: missing top-level key 'rules'`,
      `${at('rules/b.yml')}:1:1: a rule file must be a mapping with a top-level 'rules:' list, got a list`,
      `${at('rules/c.yml')}:1:1: 'rules' must be a list of rules, got nothing`,
    ]);
  });

  it('reports every problem at once and keeps the good rules around a bad one', async () => {
    const { config, lines, ids } = await load({
      'rules/a.yml': `rules:\n${rule('before')}${rule('broken', '    flags: g\n    exclude: ["("]\n')}${rule('after')}`,
    });
    expect(lines).toHaveLength(2);
    expect(ids).toEqual(['before', 'after']);
    expect(config.rules[1]!.location).toMatchObject({ line: 14, col: 5 });
  });

  it('says so when there are no rule files', async () => {
    const { lines, at } = await load({});
    expect(lines).toEqual([`${at('rules')}:1:1: no rule files found: expected ${at('rules')}/*.yml or *.yaml`]);
  });
});

describe('rule files', () => {
  it('loads *.yml and *.yaml in name order, skipping dotfiles and other files', async () => {
    const { config, ids } = await load({
      'rules/b.yaml': `rules:\n${rule('from-b')}`,
      'rules/a.yml': `# yaml-language-server: $schema=../schema/rules.schema.json\nrules:\n${rule('from-a')}`,
      'rules/.c.yml': `rules:\n${rule('hidden')}`,
      'rules/README.md': 'not a rule file',
    });
    expect(config.problems).toEqual([]);
    expect(ids).toEqual(['from-a', 'from-b']);
    expect(config.ruleFiles?.map((f) => f.split('/').pop())).toEqual(['a.yml', 'b.yaml']);
  });

  it('compiles pattern and exclude with the rule’s flags', async () => {
    const { config } = await load({
      'rules/a.yml': `rules:\n${rule('ci', "    flags: i\n    exclude: ['healthcheck']\n")}`,
    });
    const r = config.rules[0]!;
    expect(r.pattern.test('error: boom')).toBe(true);
    expect(r.exclude[0]!.test('HealthCheck failed')).toBe(true);
    expect(r.pattern.flags).toBe('i');
  });
});
