/**
 * The deployed shape, locally: the real handler (with STATE_TABLE) against the CloudWatch Logs + SSM
 * emulator, dynalite and a Slack receiver, driven tick after tick on a fake clock. The emulator's clock is
 * the same fake clock, so ingestion delays and "now" agree with the handler's event.time.
 */
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHandler, type HandlerOptions, type ScheduledEvent } from '../../src/handler';
import type { RunSummary } from '../../src/job';
import { createStateTableInput } from '../../src/state';
import { forgetCachedWebhookUrl } from '../../src/webhook-url';
import { awsEnvFor, FAKE_CREDENTIALS, type EmulatorOptions } from '../support/cloudwatch-logs-emulator';
import { startDynalite } from '../support/dynalite';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import type { SlackPost } from '../support/slack-receiver';

export const MIN = 60_000;
/** Tick 0's window ends here (5 min schedule, 2 min ingestion lag). */
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const PARAM = '/cloudwatch-log-alerts/test/slack-webhook-url';

/** Tick k fires 2.5 min after T0 + 5k min, so its window ends at T0 + 5k min. */
export const tickTime = (k: number): number => T0 + k * 5 * MIN + 2.5 * MIN;

export interface StatefulStack {
  stack: LocalStack;
  clock: { now: number };
  /** Runs the handler for tick k; `remainingMs` is what the fake Lambda context reports. */
  tick(k: number, opts?: { remainingMs?: number }): Promise<RunSummary>;
  /** Runs the handler with this event (e.g. a fan-out payload), the clock set to its time. */
  run(event: ScheduledEvent): Promise<RunSummary>;
  /** Posts Slack answered with 200. */
  deliveredPosts(): SlackPost[];
  /** Marker (`mk…q`) → times it reached Slack in a delivered post. */
  delivered(): Map<string, number>;
  summaries: RunSummary[];
  close(): Promise<void>;
}

export interface StatefulStackOptions {
  rulesYaml: string;
  settingsYaml?: string;
  /** Written as channels.yml (routes alerts to webhooks by SSM parameter name). */
  channelsYaml?: string;
  /** Built-in packs (config/packs/<name>.yml) copied into the config dir, for `include: packs/<name>`. */
  packs?: string[];
  /** STAGE for the handler (replaces ${stage} in channels.yml). */
  stage?: string;
  emulator?: EmulatorOptions;
  handler?: HandlerOptions;
}

export async function startStatefulStack(opts: StatefulStackOptions): Promise<StatefulStack> {
  const clock = { now: T0 };
  const stack = await startLocalStack({ ...opts.emulator, now: () => clock.now });
  const dynalite = await startDynalite();
  const table = `cwla-state-${Math.random().toString(36).slice(2, 8)}`;
  const env = {
    ...awsEnvFor(stack.emulator, { dynamodbEndpoint: dynalite.endpoint }),
    STATE_TABLE: table,
    SLACK_WEBHOOK_PARAM: PARAM,
    CONFIG_DIR: configDir(opts.rulesYaml, opts.settingsYaml, opts),
    ...(opts.stage ? { STAGE: opts.stage } : {}),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  stack.emulator.putParameter(PARAM, stack.slack.url, 'SecureString');
  forgetCachedWebhookUrl();

  const ddb = new DynamoDBClient({ endpoint: dynalite.endpoint, region: stack.emulator.region, credentials: FAKE_CREDENTIALS });
  await ddb.send(new CreateTableCommand(createStateTableInput(table)));
  ddb.destroy();

  const handler = createHandler(opts.handler);
  const summaries: RunSummary[] = [];
  const deliveredPosts = () => stack.slack.posts.filter((p) => p.response?.status === 200);
  return {
    stack,
    clock,
    summaries,
    async tick(k, tickOpts = {}) {
      clock.now = tickTime(k);
      const remaining = tickOpts.remainingMs ?? 60_000;
      const summary = await handler({ time: new Date(clock.now).toISOString() }, { getRemainingTimeInMillis: () => remaining });
      summaries.push(summary);
      return summary;
    },
    async run(event) {
      if (event.time) clock.now = Date.parse(event.time);
      const summary = await handler(event, { getRemainingTimeInMillis: () => 60_000 });
      summaries.push(summary);
      return summary;
    },
    deliveredPosts,
    delivered() {
      const counts = new Map<string, number>();
      for (const p of deliveredPosts()) {
        for (const m of new Set(p.rawBody.match(/\bmk[a-z]+q\b/g) ?? [])) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await stack.close();
      await dynalite.close();
    },
  };
}

function configDir(rulesYaml: string, settingsYaml?: string, extra: Pick<StatefulStackOptions, 'channelsYaml' | 'packs'> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cwla-stateful-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'test.yml'), rulesYaml);
  if (settingsYaml) writeFileSync(join(dir, 'settings.yml'), settingsYaml);
  if (extra.channelsYaml) writeFileSync(join(dir, 'channels.yml'), extra.channelsYaml);
  if (extra.packs?.length) {
    mkdirSync(join(dir, 'packs'));
    for (const p of extra.packs) cpSync(join(__dirname, '..', '..', 'config', 'packs', `${p}.yml`), join(dir, 'packs', `${p}.yml`));
  }
  return dir;
}

export { marker } from '../support/marker';

/** Lambda's own line shape for an error, carrying a marker. */
export function errorLine(at: number, text: string): string {
  return `${new Date(at).toISOString()}\t0c1d2e3f-0000-4000-8000-000000000000\tERROR\t${text}`;
}

export const ERROR_RULES = `
rules:
  - id: node-error
    description: Unhandled error in a Node.js handler
    severity: warning
    logGroups: ['/aws/lambda/*']
    pattern: '\\tERROR\\t'
`;
