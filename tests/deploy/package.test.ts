/**
 * Runs the real `serverless package` (osls, from node_modules) and checks the CloudFormation and the zip it
 * would deploy. No AWS account, credentials or network is involved: that is part of what is tested.
 *
 * Every run packages its own copy of the project: the framework stages artifacts in <serviceDir>/.serverless
 * even with --package, so two runs in one directory (or one beside a developer's `npm run package`) would
 * overwrite each other's templates.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { readZip } from './zip';
import { STATE_TABLE_ACTIONS, STATE_TABLE_DEFINITION } from '../../src/state/table';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules', '.bin', 'serverless');
const SERVICE = 'cloudwatch-log-alerts';
const MAX_ZIP_BYTES = 1024 * 1024;
// `${...}` below are CloudFormation Fn::Sub placeholders, not template literals.
const LOGS_ARN = 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}';
const SSM_ARN = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}';

type Stage = 'dev' | 'prod';
interface Run {
  code: number;
  output: string;
  seconds: number;
  artifactDir: string;
}
// CloudFormation is untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { Type: string; Properties: any };
interface Template {
  Resources: Record<string, Resource>;
}

const tempDirs: string[] = [];

/** Copies the working tree (not node_modules: linked) so a test can change files without touching it. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cwla-package-'));
  tempDirs.push(dir);
  const skip = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'coverage', 'bench']);
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(relative(ROOT, src).split(sep)[0] ?? '') });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function packageProject(dir: string, stage: Stage, extraArgs: string[] = []): Promise<Run> {
  // No AWS credentials or profile reach the child: packaging must not need an account.
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null' };
  for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[key];
  const artifactDir = join(dir, 'artifact');
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVERLESS, 'package', '--stage', stage, '--package', artifactDir, ...extraArgs],
      { cwd: dir, env, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const seconds = (Date.now() - started) / 1000;
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const killed = error?.killed ? `\n[killed by ${error.signal} after the 170 s limit]` : '';
        resolve({ code, output: `${stdout}${stderr}${killed}`, seconds, artifactDir });
      },
    );
  });
}

interface Packaged {
  run: Run;
  template: Template;
  templateText: string;
  zipBytes: number;
  entries: Map<string, Buffer>;
}

function readPackage(run: Run): Packaged {
  if (run.code !== 0) throw new Error(`serverless package failed (exit ${run.code}):\n${run.output}`);
  const templateText = readFileSync(join(run.artifactDir, 'cloudformation-template-update-stack.json'), 'utf8');
  const zip = readFileSync(join(run.artifactDir, `${SERVICE}.zip`));
  return { run, template: JSON.parse(templateText) as Template, templateText, zipBytes: zip.length, entries: readZip(zip) };
}

function resourcesOf(template: Template, type: string): Resource[] {
  return Object.values(template.Resources).filter((r) => r.Type === type);
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0] as T;
}

let packaged: Record<Stage, Packaged>;
let brokenRule: Run;
let intervalDrift: Run;
let routed: Packaged;
let sharded: Packaged;
let badShards: Run;

beforeAll(async () => {
  const broken = copyProject();
  // Line 6 holds the bad pattern: the validator must point there.
  writeFileSync(
    join(broken, 'config', 'rules', 'zz-broken.yml'),
    'rules:\n  - id: broken-rule\n    description: Deliberately broken.\n    severity: critical\n' +
      "    logGroups: ['/aws/lambda/*']\n    pattern: '(unclosed'\n",
  );
  const drift = copyProject();
  const settingsFile = join(drift, 'config', 'settings.yml');
  const settings = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8').replace(/^scanIntervalMinutes:.*$/m, '') : '';
  writeFileSync(settingsFile, `${settings}\nscanIntervalMinutes: 10\n`);

  // channels.yml naming more webhooks: the plugin grants each of them (and no other).
  const routing = copyProject();
  writeFileSync(
    join(routing, 'config', 'channels.yml'),
    'default: /cloudwatch-log-alerts/${stage}/slack-webhook-url\nops: /cloudwatch-log-alerts/${stage}/slack-ops-webhook-url\n' +
      'severities:\n  critical: oncall\nchannels:\n  oncall: /team/${stage}/oncall-webhook\n',
  );
  const routedRun = packageProject(routing, 'prod');
  const shardedRun = packageProject(copyProject(), 'dev', ['--param=shards=4']);
  const badShardsRun = packageProject(copyProject(), 'dev', ['--param=shards=0']);

  // Four independent runs at once: the good ones take a few seconds each, the failing ones less.
  const [dev, prod, brokenRun, driftRun] = await Promise.all([
    packageProject(copyProject(), 'dev'),
    packageProject(copyProject(), 'prod'),
    packageProject(broken, 'dev'),
    packageProject(drift, 'dev'),
  ]);
  for (const [stage, run] of [['dev', dev], ['prod', prod]] as const) {
    console.log(`serverless package --stage ${stage}: ${run.seconds.toFixed(1)} s (exit ${run.code})`);
  }
  packaged = { dev: readPackage(dev), prod: readPackage(prod) };
  routed = readPackage(await routedRun);
  sharded = readPackage(await shardedRun);
  badShards = await badShardsRun;
  brokenRule = brokenRun;
  intervalDrift = driftRun;
  console.log(`bundle size: ${packaged.dev.zipBytes} bytes`);
}, 180_000);

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function frameworkStatements(stage: Stage): object[] {
  // The framework's own statements: the function may write only to its own log group.
  const ownLogGroups = `${LOGS_ARN}:log-group:/aws/lambda/${SERVICE}-${stage}*`;
  return [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
      Resource: [{ 'Fn::Sub': `${ownLogGroups}:*` }],
    },
    { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: [{ 'Fn::Sub': `${ownLogGroups}:*:*` }] },
  ];
}

describe.each(['dev', 'prod'] as const)('serverless package --stage %s', (stage) => {
  const pkg = (): Packaged => packaged[stage];
  const fn = (): Resource => only(resourcesOf(pkg().template, 'AWS::Lambda::Function'), 'function');

  it('schedules the scan function every 5 minutes', () => {
    const rule = only(resourcesOf(pkg().template, 'AWS::Events::Rule'), 'schedule rule');
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ScanLambdaFunction', 'Arn'] } }),
    ]);
  });

  it('runs the bundled handler on arm64 Node 20, finishing before the next run starts', () => {
    const props = fn().Properties;
    expect(props).toMatchObject({
      FunctionName: `${SERVICE}-${stage}-scan`,
      Handler: 'src/handler.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 240,
    });
    expect(props.Timeout).toBeLessThan(5 * 60);
    expect(props.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
  });

  it('traces with X-Ray only on prod', () => {
    expect(fn().Properties.TracingConfig).toEqual({ Mode: stage === 'prod' ? 'Active' : 'PassThrough' });
  });

  it('passes the webhook parameter NAME and the config dir, never the URL', () => {
    expect(fn().Properties.Environment.Variables).toEqual({
      SLACK_WEBHOOK_PARAM: `/${SERVICE}/${stage}/slack-webhook-url`,
      STAGE: stage,
      CONFIG_DIR: 'config',
      SCAN_INTERVAL_MINUTES: '5',
      LOG_LEVEL: stage === 'prod' ? 'info' : 'debug',
      NODE_OPTIONS: '--enable-source-maps',
      STATE_TABLE: { Ref: 'StateTable' },
    });
  });

  it('creates the state table exactly as src/state defines it, on demand, with TTL', () => {
    const table = only(resourcesOf(pkg().template, 'AWS::DynamoDB::Table'), 'DynamoDB table');
    expect(pkg().template.Resources.StateTable).toBe(table);
    const { PointInTimeRecoverySpecification, ...rest } = table.Properties;
    expect(rest).toEqual(JSON.parse(JSON.stringify(STATE_TABLE_DEFINITION)));
    expect(PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: stage === 'prod' });
  });

  it('keeps the function log group 30 days', () => {
    const group = only(resourcesOf(pkg().template, 'AWS::Logs::LogGroup'), 'log group');
    expect(group.Properties).toEqual({ LogGroupName: `/aws/lambda/${SERVICE}-${stage}-scan`, RetentionInDays: 30 });
  });

  it('grants exactly the least-privilege statements, on one role', () => {
    const role = only(resourcesOf(pkg().template, 'AWS::IAM::Role'), 'IAM role');
    const policy = only(role.Properties.Policies as { PolicyDocument: { Statement: object[] } }[], 'inline policy');
    expect(policy.PolicyDocument.Statement).toEqual([
      ...frameworkStatements(stage),
      { Sid: 'ResolveLogGroupPatterns', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
      {
        Sid: 'ReadLogEvents',
        Effect: 'Allow',
        Action: ['logs:FilterLogEvents', 'logs:GetLogEvents'],
        Resource: { 'Fn::Sub': `${LOGS_ARN}:log-group:*` },
      },
      // The Logs Insights engine: StartQuery on the log groups, and the query-id actions (no resource type) on `*`.
      { Sid: 'QueryLogGroups', Effect: 'Allow', Action: ['logs:StartQuery'], Resource: { 'Fn::Sub': `${LOGS_ARN}:log-group:*` } },
      { Sid: 'PollInsightsQueries', Effect: 'Allow', Action: ['logs:GetQueryResults', 'logs:StopQuery'], Resource: '*' },
      {
        Sid: 'ReadSlackWebhookParameter',
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: { 'Fn::Sub': `${SSM_ARN}:parameter/${SERVICE}/${stage}/slack-webhook-url` },
      },
      {
        Sid: 'ReadWriteScanState',
        Effect: 'Allow',
        // Exactly the operations the DynamoDB store sends, on the one table.
        Action: [...STATE_TABLE_ACTIONS],
        Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      },
      {
        Sid: 'ReadFunctionConfiguration',
        Effect: 'Allow',
        Action: ['lambda:GetFunctionConfiguration'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*' },
      },
      // Added by the framework whenever tracing is configured, PassThrough included. X-Ray's write
      // actions support no resource-level permissions.
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
    ]);
  });

  it('uses no wildcard action anywhere and reads SSM only for the one parameter', () => {
    const statements = resourcesOf(pkg().template, 'AWS::IAM::Role').flatMap((role) =>
      (role.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      ),
    );
    for (const s of statements) for (const action of s.Action) expect(action).not.toContain('*');
    const ssm = statements.filter((s) => s.Action.some((a) => a.startsWith('ssm:') || a.startsWith('kms:')));
    expect(ssm).toEqual([
      expect.objectContaining({
        Action: ['ssm:GetParameter'],
        Resource: { 'Fn::Sub': `${SSM_ARN}:parameter/${SERVICE}/${stage}/slack-webhook-url` },
      }),
    ]);
  });

  it('has no Slack webhook URL in the template or the zip', () => {
    expect(pkg().templateText).not.toContain('hooks.slack.com');
    const leaking = [...pkg().entries].filter(([, data]) => data.includes('hooks.slack.com')).map(([name]) => name);
    expect(leaking).toEqual([]);
  });
});

describe('channels.yml', () => {
  it('grants ssm:GetParameter on exactly the webhook parameters it names, for the stage', () => {
    const role = only(resourcesOf(routed.template, 'AWS::IAM::Role'), 'IAM role');
    const statements = (role.Properties.Policies as { PolicyDocument: { Statement: { Sid?: string; Resource: unknown }[] } }[])[0]!.PolicyDocument.Statement;
    expect(statements.find((s) => s.Sid === 'ReadSlackWebhookParameter')?.Resource).toEqual([
      { 'Fn::Sub': `${SSM_ARN}:parameter/${SERVICE}/prod/slack-webhook-url` },
      { 'Fn::Sub': `${SSM_ARN}:parameter/${SERVICE}/prod/slack-ops-webhook-url` },
      { 'Fn::Sub': `${SSM_ARN}:parameter/team/prod/oncall-webhook` },
    ]);
  });
});

describe('shards param (fan-out, docs/scale.md)', () => {
  const functions = (t: Template) => Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  const scheduleTargets = (t: Template) =>
    resourcesOf(t, 'AWS::Events::Rule').flatMap((r) => (r.Properties.Targets as { Arn: { 'Fn::GetAtt': string[] } }[]).map((x) => x.Arn['Fn::GetAtt'][0]));
  const invokeStatements = (t: Template) =>
    only(resourcesOf(t, 'AWS::IAM::Role'), 'IAM role').Properties.Policies[0].PolicyDocument.Statement.filter((x: { Action: string[] }) =>
      x.Action.includes('lambda:InvokeFunction'),
    );

  it('1 (the default): no coordinator, the scan function owns the schedule, nobody may invoke it', () => {
    expect(functions(packaged.dev.template).map(([id]) => id)).toEqual(['ScanLambdaFunction']);
    expect(scheduleTargets(packaged.dev.template)).toEqual(['ScanLambdaFunction']);
    expect(invokeStatements(packaged.dev.template)).toEqual([]);
  });

  it('4: the coordinator owns the schedule and may invoke exactly the scan function, 4 shards', () => {
    const t = sharded.template;
    expect(functions(t).map(([id]) => id).sort()).toEqual(['CoordinatorLambdaFunction', 'ScanLambdaFunction']);
    expect(scheduleTargets(t)).toEqual(['CoordinatorLambdaFunction']);
    const coordinator = t.Resources.CoordinatorLambdaFunction!.Properties;
    expect(coordinator.Handler).toBe('src/coordinator.handler');
    expect(coordinator.Environment.Variables).toMatchObject({ SCAN_FUNCTION_NAME: `${SERVICE}-dev-scan`, SHARDS: '4' });
    expect(invokeStatements(t)).toEqual([
      {
        Sid: 'InvokeScanShards',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${SERVICE}-dev-scan` },
      },
    ]);
    expect([...sharded.entries.keys()]).toContain('src/coordinator.js');
  });

  it('refuses a count outside 1..100', () => {
    expect(badShards.code).not.toBe(0);
    expect(badShards.output).toContain('param shards must be a whole number from 1 to 100, got "0"');
  });
});

describe('the deployment zip', () => {
  const entries = (): Map<string, Buffer> => packaged.dev.entries;

  it('holds the bundle and every config file, and nothing from node_modules', () => {
    const names = [...entries().keys()];
    expect(names).toEqual(expect.arrayContaining(['src/handler.js', 'src/handler.js.map', 'config/settings.yml']));
    const rules = readdirSync(join(ROOT, 'config', 'rules')).filter((f) => /\.ya?ml$/.test(f));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(names).toContain(`config/rules/${rule}`);
    expect(names.filter((n) => n.startsWith('node_modules/'))).toEqual([]);
  });

  it('bundles @slack/webhook and yaml but leaves the runtime-provided AWS SDK out', () => {
    const bundle = entries().get('src/handler.js')?.toString('utf8') ?? '';
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string));
    const packages = [...required].filter((r) => !r.startsWith('node:') && !builtinModules.includes(r));
    expect(packages.every((p) => p.startsWith('@aws-sdk/'))).toBe(true);
    expect(packages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-ssm', '@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']),
    );
  });

  it('stays under 1 MB', () => {
    expect(packaged.dev.zipBytes).toBeLessThan(MAX_ZIP_BYTES);
    expect(packaged.prod.zipBytes).toBeLessThan(MAX_ZIP_BYTES);
  });
});

describe('packaging refuses', () => {
  it('a broken rule, pointing at its file:line:col', () => {
    expect(brokenRule.code).not.toBe(0);
    expect(brokenRule.output).toContain('Config validation failed for config/');
    expect(brokenRule.output).toMatch(/config\/rules\/zz-broken\.yml:6:\d+: rule broken-rule: /);
    expect(existsSync(join(brokenRule.artifactDir, `${SERVICE}.zip`))).toBe(false);
  });

  it('a schedule that disagrees with settings.yml', () => {
    expect(intervalDrift.code).not.toBe(0);
    expect(intervalDrift.output).toContain('is scheduled rate(5 minutes) but config/settings.yml has scanIntervalMinutes: 10');
  });
});
