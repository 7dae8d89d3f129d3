import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildSlackMessages, type SlackPayload } from '../alerts';
import { formatProblem, loadRuleFile, loadSettings, type Rule } from '../config';
import { fingerprint, groupHits, type Alert } from '../dedup';
import { explainEvent, RuleBudget, type Hit, type RuleOutcome } from '../matching';
import { CloudWatchSource, createLogsClient, logGroupForFile, type LogEvent, type LogSource } from '../sources';
import { parseArgs, parseDuration, stringFlag, UsageError } from './args';
import { alertJson } from './alert-json';
import { renderPayloadText } from './render-text';

export const TEST_RULE_USAGE = `test-rule --rule FILE[#RULE_ID] (--input FILE | --log-group NAME --since 3h) [--format text|json]
    --rule FILE[#ID]   a rule file or pack (e.g. config/rules/lambda.yml#lambda-timeout); all its rules without #ID
    --input FILE       log lines to test, one event per line (offline); --escaped: lines carry \\n and \\t escapes
    --log-group NAME   read a live log group (or glob) from CloudWatch instead, --since back (default 1h)
    --vars k=v,...     run-time variables for when: conditions, e.g. timeoutMs=3000,memorySizeMb=128
    --config DIR       where packs/ and settings.yml are (default: the directory above the rule file's)
  Prints each line a rule matched (fingerprint, captures), excluded or rejected by fields/when, the Slack
  alerts that would be sent (nothing is posted) and a summary. A rule file with problems exits 1.`;

const FLAGS = ['rule', 'input', 'log-group', 'since', 'format', 'vars', 'config', 'escaped', 'region'];
// Lambda and most runtimes start a line with an ISO-8601 time; when present it is the event's time.
const LEADING_ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))/;

export interface TestRuleDeps {
  /** The log source for --log-group (tests pass one; default: CloudWatch in AWS_REGION). */
  cloudWatch?: (region: string) => LogSource;
  now?: () => number;
}

interface LineReport {
  line: number;
  logGroup: string;
  message: string;
  results: Array<{ ruleId: string; outcome: RuleOutcome['kind']; fingerprint?: string; captures?: Record<string, string>; groupKey?: string; detail?: string }>;
}

export async function testRuleCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  deps: TestRuleDeps = {},
): Promise<number> {
  const parsed = parseArgs(args, ['escaped']);
  const unknown = [...parsed.flags.keys()].find((k) => !FLAGS.includes(k));
  if (unknown) throw new UsageError(`unknown option --${unknown}`);
  if (parsed.positional.length) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const ruleSpec = stringFlag(parsed, 'rule');
  if (!ruleSpec) throw new UsageError('--rule FILE[#RULE_ID] is required');
  const input = stringFlag(parsed, 'input');
  const logGroup = stringFlag(parsed, 'log-group');
  // --input reads a file (--log-group then only names the group the lines are shown as coming from).
  if (input === undefined && logGroup === undefined) throw new UsageError('give --input FILE (offline) or --log-group NAME (CloudWatch)');
  const format = stringFlag(parsed, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const since = stringFlag(parsed, 'since');
  if (since !== undefined && input !== undefined) throw new UsageError('--since applies to --log-group only');
  const vars = parseVars(stringFlag(parsed, 'vars'));

  const hash = ruleSpec.lastIndexOf('#');
  const file = hash === -1 ? ruleSpec : ruleSpec.slice(0, hash);
  const wantedId = hash === -1 ? undefined : ruleSpec.slice(hash + 1);
  const configDir = stringFlag(parsed, 'config');
  const loaded = await loadRuleFile(file, configDir ? { configDir } : {});
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) err.write(`${formatProblem(p)}\n`);
    err.write(`${file}: ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}; fix ${loaded.problems.length === 1 ? 'it' : 'them'} before testing\n`);
    return 1;
  }
  let rules: Rule[] = loaded.rules;
  const notes: string[] = [];
  if (wantedId !== undefined) {
    const all = [...loaded.rules, ...loaded.disabled];
    const found = all.find((r) => r.id === wantedId);
    if (!found) {
      err.write(`${file}: no rule '${wantedId}' (rules: ${all.map((r) => r.id).join(', ') || 'none'})\n`);
      return 1;
    }
    if (loaded.disabled.includes(found)) notes.push(`rule ${wantedId} has enabled: false; testing it anyway`);
    rules = [found];
  }
  if (rules.length === 0) {
    err.write(`${file}: no enabled rules to test\n`);
    return 1;
  }
  const settings = await loadSettings(configDir ?? path.dirname(path.dirname(path.resolve(file))));
  const region = stringFlag(parsed, 'region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const now = deps.now?.() ?? Date.now();

  let events: AsyncIterable<LogEvent>;
  let sourceLabel: string;
  if (input !== undefined) {
    const group = logGroup ?? logGroupForFile(input);
    events = readLines(input, group, parsed.flags.has('escaped'));
    sourceLabel = `${input} (as log group ${group})`;
  } else {
    const windowMs = parseDuration(since ?? '1h');
    const source = (deps.cloudWatch ?? ((r) => new CloudWatchSource(createLogsClient(r))))(region);
    events = readLogGroups(source, logGroup!, now - windowMs, now);
    sourceLabel = `${logGroup} in ${region}, last ${since ?? '1h'}`;
  }

  // One budget for the test run: a pathological rule is stopped and reported, not waited for.
  const budget = new RuleBudget();
  const ctx = { vars, budget };
  const reports: LineReport[] = [];
  const hits: Hit[] = [];
  const counts = { linesRead: 0, matchedLines: 0, hits: 0, excluded: 0, failedConditions: 0 };
  const text: string[] = [];
  for await (const event of events) {
    counts.linesRead += 1;
    const outcomes = explainEvent(rules, event, ctx);
    const report: LineReport = { line: lineNumber(event), logGroup: event.logGroup, message: event.message, results: [] };
    outcomes.forEach((o, i) => {
      const rule = rules[i]!;
      if (o.kind === 'no-match') return;
      if (o.kind === 'hit') {
        hits.push(o.hit);
        counts.hits += 1;
        const fp = fingerprint(event.message);
        report.results.push({ ruleId: rule.id, outcome: o.kind, fingerprint: fp, captures: o.hit.captures, ...(o.hit.groupKey !== undefined ? { groupKey: o.hit.groupKey } : {}) });
      } else {
        if (o.kind === 'excluded') counts.excluded += 1;
        else if (o.kind !== 'disabled') counts.failedConditions += 1;
        report.results.push({ ruleId: rule.id, outcome: o.kind, detail: describeOutcome(o) });
      }
    });
    if (report.results.some((r) => r.outcome === 'hit')) counts.matchedLines += 1;
    if (report.results.length) {
      reports.push(report);
      if (format === 'text') text.push(renderLine(report));
    }
  }

  const alerts = groupHits(hits);
  const payloads = buildSlackMessages(alerts, { region, linkContextMinutes: settings.linkContextMinutes, maxSampleChars: settings.maxSampleChars, now });
  const summary = { ...counts, alerts: alerts.length, messages: payloads.length };
  const disabled = budget.disabled();

  if (format === 'json') {
    out.write(`${JSON.stringify({ rules: rules.map((r) => r.id), source: sourceLabel, notes, lines: reports, alerts: alerts.map(alertJson), slack: payloads, disabled, summary }, null, 2)}\n`);
    return 0;
  }
  const head = `Testing ${rules.length === 1 ? `rule ${rules[0]!.id}` : `${rules.length} rules (${rules.map((r) => r.id).join(', ')})`} from ${file} on ${sourceLabel}\n`;
  out.write(head + notes.map((n) => `Note: ${n}\n`).join('') + '\n');
  if (text.length) out.write(`${text.join('\n')}\n\n`);
  out.write(renderPayloads(payloads));
  for (const d of disabled) out.write(`Rule ${d.ruleId} was switched off: it ${d.reason}\n`);
  out.write(
    `Summary: ${counts.linesRead} line${counts.linesRead === 1 ? '' : 's'} read, ${counts.matchedLines} matched (${counts.hits} hit${counts.hits === 1 ? '' : 's'}), ` +
      `${counts.excluded} excluded, ${counts.failedConditions} rejected by fields/when, ${alerts.length} alert${alerts.length === 1 ? '' : 's'} ` +
      `in ${payloads.length} Slack message${payloads.length === 1 ? '' : 's'} (not posted).\n`,
  );
  return 0;
}

function parseVars(text: string | undefined): Record<string, number | string> {
  const vars: Record<string, number | string> = {};
  if (!text) return vars;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_][\w.]*)=(.*)$/.exec(part);
    if (!m) throw new UsageError(`--vars wants name=value pairs separated by commas, got "${part}"`);
    const value = m[2]!.trim();
    vars[m[1]!] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return vars;
}

const lineNumbers = new WeakMap<LogEvent, number>();
function lineNumber(event: LogEvent): number {
  return lineNumbers.get(event) ?? 0;
}

async function* readLines(file: string, logGroup: string, escaped: boolean): AsyncIterable<LogEvent> {
  const fallbackTime = Math.floor((await stat(file)).mtimeMs);
  const stream = path.basename(file);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n += 1;
    if (raw.trim() === '') continue;
    const message = escaped ? unescape(raw) : raw;
    const iso = LEADING_ISO_TIME.exec(message)?.[1];
    const parsed = iso ? Date.parse(iso) : NaN;
    const event: LogEvent = { logGroup, logStream: stream, timestamp: Number.isNaN(parsed) ? fallbackTime : parsed, message, eventId: `${stream}:${n}` };
    lineNumbers.set(event, n);
    yield event;
  }
}

async function* readLogGroups(source: LogSource, pattern: string, startMs: number, endMs: number): AsyncIterable<LogEvent> {
  const groups = await source.resolveLogGroups([pattern]);
  if (groups.length === 0) throw new Error(`no log group matches ${pattern}`);
  let n = 0;
  for (const group of groups) {
    for await (const page of source.readEvents(group, startMs, endMs)) {
      for (const event of page) {
        lineNumbers.set(event, ++n);
        yield event;
      }
    }
  }
}

function unescape(line: string): string {
  return line.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

function describeOutcome(o: RuleOutcome): string {
  switch (o.kind) {
    case 'excluded':
      return `by exclude[${o.index}] ${String(o.exclude)}`;
    case 'fields-failed':
      return o.reason;
    case 'when-false':
      return o.reason;
    case 'when-skipped':
      return `when not evaluated: ${o.missing} has no value${o.missing === 'timeoutMs' || o.missing === 'memorySizeMb' ? ` (pass --vars ${o.missing}=...)` : ''}`;
    case 'disabled':
      return o.reason;
    default:
      return '';
  }
}

const LABEL: Record<RuleOutcome['kind'], string> = {
  hit: 'MATCH',
  excluded: 'EXCLUDED',
  'fields-failed': 'NO (fields)',
  'when-false': 'NO (when)',
  'when-skipped': 'SKIPPED (when)',
  disabled: 'STOPPED',
  'no-match': '',
};

function shown(message: string): string {
  const oneLine = message.replace(/\n$/, '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}

function renderLine(r: LineReport): string {
  const parts = [`line ${r.line}: ${shown(r.message)}`];
  for (const res of r.results) {
    parts.push(`  ${LABEL[res.outcome]} ${res.ruleId}${res.detail ? `: ${res.detail}` : ''}`);
    if (res.outcome === 'hit') {
      parts.push(`    fingerprint: ${res.fingerprint}`);
      const caps = Object.entries(res.captures ?? {});
      if (caps.length) parts.push(`    captures: ${caps.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
      if (res.groupKey !== undefined) parts.push(`    group: ${res.groupKey}`);
    }
  }
  return parts.join('\n');
}

function renderPayloads(payloads: SlackPayload[]): string {
  if (payloads.length === 0) return 'No alerts would be sent.\n\n';
  return payloads.map((p, i) => `--- Slack message ${i + 1} of ${payloads.length} (would be sent; not posted) ---\n${renderPayloadText(p)}\n`).join('\n') + '\n';
}

