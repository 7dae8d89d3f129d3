import { load, rule } from './config-fixture';

// Every kind of problem in the rule language is one exact `file:line:col: rule <id>: message` line, at the
// value (or key) to edit. `rule(id, extra)` puts `extra` on lines 7+ of rules/a.yml, keys at column 5.

const one = async (extra: string, more: Record<string, string> = {}) => {
  const { lines, at, config } = await load({ 'rules/a.yml': `rules:\n${rule('r', extra)}`, ...more });
  return { lines, f: at('rules/a.yml'), at, config };
};

describe('rule keys: enabled, owner, runbook, mention', () => {
  it('skips a rule with enabled: false without calling it a problem', async () => {
    const { lines, config } = await load({ 'rules/a.yml': `rules:\n${rule('off', '    enabled: false\n')}${rule('on', '    enabled: true\n')}` });
    expect(lines).toEqual([]);
    expect(config.rules.map((r) => r.id)).toEqual(['on']);
    expect(config.disabledRules).toEqual(['off']);
  });

  it('still validates a disabled rule, so switching it back on cannot break a deploy', async () => {
    const { lines, f } = await one("    enabled: false\n    exclude: ['(']\n");
    expect(lines).toEqual([`${f}:8:15: rule r: exclude[0] is not a valid regular expression: /(/: Unterminated group`]);
  });

  it('reports a non-boolean enabled, an empty owner and bad runbooks', async () => {
    const { lines, f } = await one(`    enabled: no
    owner: ''
    runbook: ftp://wiki.example.com/x
`);
    expect(lines).toEqual([
      `${f}:7:14: rule r: enabled must be true or false, got 'no'`,
      `${f}:8:12: rule r: owner must be a non-empty string (a team or person to ask), got nothing`,
      `${f}:9:14: rule r: runbook must be an http(s) URL such as https://wiki.example.com/runbooks/lambda-timeout, got 'ftp://wiki.example.com/x'`,
    ]);
    const spaced = await one("    runbook: 'https://wiki.example.com/run book'\n");
    expect(spaced.lines).toEqual([`${spaced.f}:7:14: rule r: runbook must not contain spaces or the characters < > | (percent-encode them), got 'https://wiki.example.com/run book'`]);
  });

  it('stores owner and runbook as written', async () => {
    const { config } = await one("    owner: '@payments-team'\n    runbook: https://wiki.example.com/runbooks/r\n");
    expect(config.rules[0]).toMatchObject({ owner: '@payments-team', runbook: 'https://wiki.example.com/runbooks/r' });
  });

  it.each([
    ['here', 'here'],
    ["'@here'", 'here'],
    ['<!channel>', 'channel'],
    ['<@U024BE7LH>', 'U024BE7LH'],
    ['<@W024BE7LH|jane>', 'W024BE7LH'],
    ['U024BE7LH', 'U024BE7LH'],
    ['<!subteam^SAZ94GDB8>', 'subteam^SAZ94GDB8'],
    ['<!subteam^SAZ94GDB8|@oncall>', 'subteam^SAZ94GDB8'],
    ['SAZ94GDB8', 'subteam^SAZ94GDB8'],
  ])('normalises mention %s to %s', async (written, stored) => {
    const { config, lines } = await one(`    mention: ${written}\n`);
    expect(lines).toEqual([]);
    expect(config.rules[0]!.mention).toBe(stored);
  });

  it('rejects mentions Slack would not turn into a ping, explaining ids for names', async () => {
    const { lines, f } = await one("    mention: '@oncall'\n");
    expect(lines).toEqual([
      `${f}:7:14: rule r: mention must be here, channel, a user as <@U…> or a user group as <!subteam^S…>, got '@oncall' (Slack needs ids, not names: find the member or user group id in Slack, e.g. <@U024BE7LH> or <!subteam^SAZ94GDB8>)`,
    ]);
    const everyone = await one('    mention: everyone\n');
    expect(everyone.lines).toEqual([`${everyone.f}:7:14: rule r: mention must be here, channel, a user as <@U…> or a user group as <!subteam^S…>, got 'everyone'`]);
  });
});

describe('rule keys: realert, resolve, threshold', () => {
  it('turns durations into milliseconds', async () => {
    const { config, lines } = await one('    realert: 90s\n    resolve: 3h\n    threshold: { count: 5, within: 10m }\n');
    expect(lines).toEqual([]);
    expect(config.rules[0]).toMatchObject({ realertMs: 90_000, resolveMs: 10_800_000, threshold: { count: 5, withinMs: 600_000 } });
  });

  it('reports durations without a unit or out of range', async () => {
    const { lines, f } = await one('    realert: 30\n    resolve: 30s\n');
    expect(lines).toEqual([
      `${f}:7:14: rule r: realert must be a duration like 90s, 30m, 3h or 1d, got number 30 (add a unit: 30m)`,
      `${f}:8:14: rule r: resolve must be from 1m to 7d, got 30s`,
    ]);
  });

  it('reports each threshold mistake at its key or value', async () => {
    const bad = await one('    threshold: 5\n');
    expect(bad.lines).toEqual([`${bad.f}:7:16: rule r: threshold must be a mapping like { count: 5, within: 10m }, got number 5`]);
    const { lines, f } = await one(`    threshold:
      count: 0
      within: 2w
      over: 5m
`);
    expect(lines).toEqual([
      `${f}:8:14: rule r: threshold.count must be a whole number from 1 to 100000, got number 0`,
      `${f}:9:15: rule r: threshold.within must be a duration like 90s, 30m, 3h or 1d, got '2w'`,
      `${f}:10:7: rule r: threshold: unknown key 'over' (known keys: count, within)`,
    ]);
    const missing = await one('    threshold: { count: 3 }\n');
    expect(missing.lines).toEqual([`${missing.f}:7:16: rule r: threshold is missing 'within' (how long the hits may take, e.g. 10m)`]);
  });
});

describe('rule keys: groupBy, fields, when', () => {
  it('accepts groupBy on named captures and reports names the pattern does not capture', async () => {
    const { lines: l2, f: f2 } = await oneWithPattern("'tenant=(?<tenant>\\w+) status=(?<status>\\d+)'", '    groupBy: [tenant, tenat, region]\n');
    expect(l2).toEqual([
      `${f2}:7:23: rule r: groupBy[1] 'tenat' is not a named capture of the pattern, did you mean 'tenant'?`,
      `${f2}:7:30: rule r: groupBy[2] 'region' is not a named capture of the pattern (named captures: tenant, status; add fields: to use JSON fields; add (?<region>...) to the pattern)`,
    ]);
  });

  it('matches JSON lines with fields only (no pattern needed) and accepts field paths in groupBy and when', async () => {
    const { lines, config } = await load({
      'rules/a.yml': `rules:
  - id: json
    description: d
    severity: warning
    logGroups: ['/aws/lambda/*']
    fields:
      level: ERROR
      "error.type": "/Timeout/i"
      status: [500, 502, '/^504$/']
    groupBy: [tenant.id]
    when: 'durationMs > 1000 && retries >= 2'
`,
    });
    expect(lines).toEqual([]);
    const r = config.rules[0]!;
    expect(r.pattern.source).toBe('^\\s*\\{');
    expect(r.fields).toEqual([
      { path: 'level', equals: 'ERROR' },
      { path: 'error.type', matches: /Timeout/i },
      { path: 'status', anyOf: [{ equals: '500' }, { equals: '502' }, { matches: /^504$/ }] },
    ]);
    expect(r.groupBy).toEqual(['tenant.id']);
    expect(r.when?.variables).toEqual(['durationMs', 'retries']);
  });

  it('reports fields mistakes at the key or value', async () => {
    const { lines, f } = await one(`    fields:
      "error..type": x
      level:
      code: '/(/'
      msg: '/(a+)+$/'
      kind: '/x/g'
      tags: []
`);
    expect(lines).toEqual([
      `${f}:8:7: rule r: field path 'error..type' must be names separated by single dots, without spaces (e.g. 'error.type')`,
      `${f}:9:7: rule r: field 'level' must be a value to compare (text, number, true/false, or /regex/), got nothing`,
      `${f}:10:13: rule r: field 'code' regex is not a valid regular expression: /(/: Unterminated group`,
      `${f}:11:12: rule r: field 'msg' regex may backtrack catastrophically (nested quantifier at "(a+)+"); make the repeated part unable to match the same text in two ways, e.g. write (\\w+\\s?)+ as \\w+(?:\\s\\w+)*, or drop the inner quantifier`,
      `${f}:12:13: rule r: field 'kind' regex has flag 'g' (allowed: i, m, s, u)`,
      `${f}:13:13: rule r: field 'tags' must list at least one value`,
    ]);
    const notMap = await one('    fields: [level]\n');
    expect(notMap.lines).toEqual([`${notMap.f}:7:13: rule r: fields must be a non-empty mapping of JSON field paths to values, e.g. { level: ERROR, "error.type": "/Timeout/" }, got a list`]);
  });

  it('reports a when that does not parse at the value, saying where in the expression', async () => {
    const { lines, f } = await one(`    when: "duration > > 3"\n`);
    expect(lines).toEqual([`${f}:7:11: rule r: when is not a valid expression: unexpected '>' (at character 12 of "duration > > 3")`]);
    const eq = await one(`    when: "duration = 3"\n`);
    expect(eq.lines).toEqual([`${eq.f}:7:11: rule r: when is not a valid expression: unexpected character '=' (use '==' to compare) (at character 10 of "duration = 3")`]);
    const call = await one(`    when: "constructor.constructor('return process')()"\n`);
    expect(call.lines).toEqual([`${call.f}:7:11: rule r: when is not a valid expression: 'constructor.constructor(' looks like a function call; functions are not supported (at character 24 of "constructor.constructor('return process')()")`]);
    const number = await one(`    when: 42\n`);
    expect(number.lines).toEqual([`${number.f}:7:11: rule r: when must be a condition in quotes, e.g. when: "duration > 0.8 * timeoutMs", got number 42 (quote it to make it a string)`]);
  });

  it('reports unknown variables at the when value, suggesting captures and run-time variables', async () => {
    const { lines, f } = await oneWithPattern("'Duration: (?<duration>[\\d.]+) ms'", `    when: "durration > 0.8 * timeoutMS && retries > 1"\n`);
    expect(lines).toEqual([
      `${f}:7:11: rule r: when uses unknown variable 'durration', did you mean 'duration'?`,
      `${f}:7:11: rule r: when uses unknown variable 'timeoutMS', did you mean 'timeoutMs'?`,
      `${f}:7:11: rule r: when uses unknown variable 'retries' (named captures: duration; add fields: to use JSON fields; runtime variables: timeoutMs, memorySizeMb)`,
    ]);
    const ok = await oneWithPattern("'Duration: (?<duration>[\\d.]+) ms'", `    when: "duration >= 0.8 * timeoutMs"\n`);
    expect(ok.lines).toEqual([]);
  });

  it('needs a pattern or fields', async () => {
    const { lines, at } = await load({ 'rules/a.yml': `rules:\n  - id: nothing\n    description: d\n    severity: info\n    logGroups: ['x']\n` });
    expect(lines).toEqual([`${at('rules/a.yml')}:2:5: rule nothing: missing required key 'pattern' (or 'fields', to match JSON log lines)`]);
  });
});

describe('catastrophic backtracking', () => {
  it.each([
    ['(a+)+$', 'nested quantifier at "(a+)+"'],
    ['(\\w+\\s?)+$', 'nested quantifier at "(\\w+\\s?)+"'],
    ['(a|a)*', 'repeated alternatives that can match the same text at "(a|a)*"'],
    ['(.*a){20}', 'large bounded repetition of a group that can match the same text in several ways at "(.*a){20}"'],
  ])('rejects pattern %s', async (pattern, what) => {
    const { lines, f } = await oneWithPattern(`'${pattern}'`, '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${escape(`${f}:6:14: rule r: pattern may backtrack catastrophically (${what}); `)}`));
  });

  it('checks excludes too', async () => {
    const { lines, f } = await one("    exclude: ['fine', '^(\\d+)*x']\n");
    expect(lines).toEqual([
      `${f}:7:23: rule r: exclude[1] may backtrack catastrophically (nested quantifier at "(\\d+)*"); make the repeated part unable to match the same text in two ways, e.g. write (\\w+\\s?)+ as \\w+(?:\\s\\w+)*, or drop the inner quantifier`,
    ]);
  });
});

describe('channel', () => {
  it('checks a rule channel against channels.yml', async () => {
    const channels = 'default: /cwla/${stage}/slack\nchannels:\n  payments: /cwla/${stage}/payments\n';
    const ok = await one('    channel: payments\n', { 'channels.yml': channels });
    expect(ok.lines).toEqual([]);
    expect(ok.config.rules[0]!.channel).toBe('payments');
    const typo = await one('    channel: payment\n', { 'channels.yml': channels });
    expect(typo.lines).toEqual([`${typo.f}:7:14: rule r: channel 'payment' is not defined in channels.yml, did you mean 'payments'?`]);
    const none = await one('    channel: payments\n');
    expect(none.lines).toEqual([`${none.f}:7:14: rule r: channel 'payments' cannot be resolved: there is no channels.yml next to the rules directory`]);
  });
});

async function oneWithPattern(pattern: string, extra: string) {
  const { lines, at, config } = await load({ 'rules/a.yml': `rules:\n${rule('r', extra).replace("pattern: 'ERROR'", () => `pattern: ${pattern}`)}` });
  return { lines, f: at('rules/a.yml'), config };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
