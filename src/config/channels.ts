import { isMap, isScalar, type Pair } from 'yaml';
import { closestKey, unknownKeyMessage } from './closest-key';
import { describe, stringValue, type YamlSource } from './parse-yaml';
import { SEVERITIES, type Channels, type ConfigProblem, type Rule, type Severity } from './types';

// config/channels.yml routes alerts to Slack webhooks by naming the SSM parameter that holds each webhook
// URL (never the URL itself: the file is in git and in the deployment zip).
//
//   default: /cloudwatch-log-alerts/${stage}/slack-webhook-url      # required
//   ops: /cloudwatch-log-alerts/${stage}/slack-ops-webhook-url      # scanner health; defaults to default
//   severities: { critical: /cloudwatch-log-alerts/${stage}/slack-oncall-webhook-url }
//   channels:   { payments: /cloudwatch-log-alerts/${stage}/slack-payments-webhook-url }   # for a rule's `channel:`
//   rules:      { lambda-timeout: payments }     # by rule id: a parameter name, or a name from channels:
//
// A value starting with `/` is a parameter name; anything else names an entry of `channels:`.

const TOP_KEYS = ['default', 'ops', 'severities', 'channels', 'rules'] as const;
const PLACEHOLDERS = ['stage'] as const;
/** SSM parameter names: letters, digits and . - _ /, at most 1011 characters, `/`-rooted here. */
const PARAMETER = /^\/[A-Za-z0-9_.\-/]+$/;
const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export interface ChannelsCheck {
  channels?: Channels;
  /** Names declared under `channels:` (even when the file has other problems), for rules' `channel:`. */
  names: ReadonlySet<string>;
  problems: ConfigProblem[];
  /** Checks `rules:` keys against the loaded rule ids (needs every rule, so it runs after the rules). */
  checkRuleIds(ids: ReadonlySet<string>): ConfigProblem[];
}

/**
 * Reads channels.yml. `stage`, when given, replaces `${stage}` in every value; with `requireStage` (the
 * deployed function) a `${stage}` left unreplaced is a problem, since that parameter cannot exist.
 */
export function checkChannels(src: YamlSource, opts: { stage?: string; requireStage?: boolean } = {}): ChannelsCheck {
  const problems: ConfigProblem[] = [...src.syntaxProblems()];
  const root = src.resolve(src.doc.contents);
  const none: ChannelsCheck = { problems, names: new Set(), checkRuleIds: () => [] };
  if (!isMap(root)) {
    problems.push(src.problem(root, `channels.yml must be a mapping with at least 'default: /ssm/parameter/name', got ${describe(root)}`));
    return none;
  }
  const pairs = new Map<string, Pair>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : describe(pair.key);
    if (!(TOP_KEYS as readonly string[]).includes(key)) problems.push(src.problem(pair.key, unknownKeyMessage(key, TOP_KEYS)));
    else if (!pairs.has(key)) pairs.set(key, pair);
  }
  const at = (pair: Pair) => (isScalar(pair.value) && pair.value.value !== null ? pair.value : pair.key);

  // Named channels first: the other sections may refer to them.
  const named: Record<string, string> = {};
  const namedPair = pairs.get('channels');
  const namedNodes = new Map<string, unknown>();
  for (const [name, pair] of mapEntries(src, namedPair, 'channels', problems)) {
    if (!CHANNEL_NAME.test(name)) {
      problems.push(src.problem(pair.key, `channel name '${name}' must be lowercase letters, digits, '-' and '_'`));
      continue;
    }
    const value = parameter(src, pair, `channels.${name}`, problems, opts, false);
    if (value !== undefined) named[name] = value;
    namedNodes.set(name, at(pair));
  }
  const names = Object.keys(named);

  /** A parameter name, or a reference to a named channel resolved to its parameter. */
  const target = (pair: Pair, label: string): string | undefined => {
    const text = stringValue(src.resolve(pair.value))?.trim();
    if (text !== undefined && !text.startsWith('/') && text !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(text)) {
      if (named[text] !== undefined) return named[text];
      if (!namedNodes.has(text)) {
        const guess = closestKey(text, names);
        problems.push(src.problem(at(pair), `${label} refers to channel '${text}', which channels: does not define${guess ? `; did you mean '${guess}'?` : ' (values starting with / are SSM parameter names; others name an entry of channels:)'}`));
      }
      return undefined;
    }
    return parameter(src, pair, label, problems, opts, true);
  };

  const defaultPair = pairs.get('default');
  let defaultTarget: string | undefined;
  if (!defaultPair) problems.push(src.problem(root, `missing required key 'default' (the SSM parameter name of the webhook for alerts nothing else routes)`));
  else defaultTarget = target(defaultPair, 'default');
  const opsPair = pairs.get('ops');
  const ops = opsPair ? target(opsPair, 'ops') : undefined;

  const severities: Partial<Record<Severity, string>> = {};
  for (const [severity, pair] of mapEntries(src, pairs.get('severities'), 'severities', problems)) {
    if (!SEVERITIES.includes(severity as Severity)) {
      problems.push(src.problem(pair.key, `severities: unknown severity '${severity}' (severities: ${SEVERITIES.join(', ')})`));
      continue;
    }
    const value = target(pair, `severities.${severity}`);
    if (value !== undefined) severities[severity as Severity] = value;
  }

  const rules: Record<string, string> = {};
  const ruleKeys: Array<{ id: string; node: unknown }> = [];
  for (const [id, pair] of mapEntries(src, pairs.get('rules'), 'rules', problems)) {
    ruleKeys.push({ id, node: pair.key });
    const value = target(pair, `rules.${id}`);
    if (value !== undefined) rules[id] = value;
  }

  const checkRuleIds = (ids: ReadonlySet<string>): ConfigProblem[] =>
    ruleKeys
      .filter(({ id }) => !ids.has(id))
      .map(({ id, node }) => {
        const guess = closestKey(id, [...ids]);
        return src.problem(node, `rules: unknown rule id '${id}'${guess ? `, did you mean '${guess}'?` : ' (no rule file or included pack defines it)'}`);
      });

  const declared = new Set(namedNodes.keys());
  if (defaultTarget === undefined) return { problems, names: declared, checkRuleIds };
  return {
    channels: { default: defaultTarget, ...(ops !== undefined ? { ops } : {}), severities, rules, named },
    names: declared,
    problems,
    checkRuleIds,
  };
}

function mapEntries(src: YamlSource, pair: Pair | undefined, label: string, problems: ConfigProblem[]): Array<[string, Pair]> {
  if (!pair) return [];
  const value = src.resolve(pair.value);
  if (isScalar(value) && value.value === null) return [];
  if (!isMap(value)) {
    problems.push(src.problem(value, `${label} must be a mapping, got ${describe(value)}`));
    return [];
  }
  const out: Array<[string, Pair]> = [];
  const seen = new Set<string>();
  for (const p of value.items) {
    const key = isScalar(p.key) ? String(p.key.value) : undefined;
    if (key === undefined) {
      problems.push(src.problem(p.key, `${label} keys must be plain names, got ${describe(p.key)}`));
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([key, p]);
  }
  return out;
}

/** A checked parameter name with `${stage}` replaced when a stage is known. */
function parameter(
  src: YamlSource,
  pair: Pair,
  label: string,
  problems: ConfigProblem[],
  opts: { stage?: string; requireStage?: boolean },
  allowRef: boolean,
): string | undefined {
  const stage = opts.stage;
  const node = src.resolve(pair.value);
  const at = isScalar(node) && node.value !== null ? node : pair.key;
  const text = stringValue(node)?.trim();
  if (!text) {
    problems.push(src.problem(at, `${label} must be the name of an SSM parameter holding a Slack webhook URL, e.g. /cloudwatch-log-alerts/\${stage}/slack-webhook-url, got ${describe(node)}`));
    return undefined;
  }
  if (/^https?:\/\//i.test(text)) {
    problems.push(src.problem(at, `${label} must be an SSM parameter NAME, not a webhook URL: a URL in git is a leaked secret (store it in SSM as a SecureString and name the parameter here)`));
    return undefined;
  }
  const unknown = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!).find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown !== undefined) {
    problems.push(src.problem(at, `${label} uses unknown placeholder \${${unknown}} (only \${stage} is replaced)`));
    return undefined;
  }
  const probe = text.replace(/\$\{stage\}/g, 'stage');
  if (!PARAMETER.test(probe) || probe.length > 1011) {
    const hint = allowRef ? ' (or the name of an entry of channels:)' : '';
    problems.push(src.problem(at, `${label} must be a full SSM parameter name starting with '/' (letters, digits, . - _ /)${hint}, got '${text}'`));
    return undefined;
  }
  if (stage === undefined && opts.requireStage && text.includes('${stage}')) {
    // Kept (the post then fails and waits in the pending queue) but reported, so the run log says why.
    problems.push(src.problem(at, `${label} uses \${stage}, but no stage is set (the STAGE environment variable): parameter '${text}' cannot exist`));
  }
  return stage === undefined ? text : text.replace(/\$\{stage\}/g, stage);
}

/**
 * The SSM parameter name of the webhook a rule's alerts go to: channels.yml `rules:` entry for its id, then
 * the rule's own `channel:`, then `severities:` for its severity, then `default`.
 */
export function channelFor(rule: Pick<Rule, 'id' | 'severity' | 'channel'>, channels: Channels): string {
  return (
    channels.rules[rule.id] ??
    (rule.channel !== undefined ? channels.named[rule.channel] : undefined) ??
    channels.severities[rule.severity] ??
    channels.default
  );
}

/** Where the scanner's own health messages go. */
export function opsChannel(channels: Channels): string {
  return channels.ops ?? channels.default;
}

