'use strict';

// Local serverless plugin: refuses to package or deploy (`deploy` runs the package lifecycle; `deploy function`
// has its own, hooked too) when
//  - the alert rules under the shipped config dir do not validate, or
//  - a scheduled function's timeout is not below its schedule interval (runs would overlap), or
//  - SCAN_INTERVAL_MINUTES or settings.yml's scanIntervalMinutes disagrees with the schedule: each run scans
//    a window that wide, so a mismatch silently skips or double-scans log events, or
//  - SLACK_WEBHOOK_PARAM does not start with `/`: serverless.yml builds the parameter's ARN as
//    `parameter${name}`, and a mismatched ARN shows up only as AccessDenied when an alert is due.
// It applies the `shards` param: with 1 the coordinator function and its InvokeScanShards statement are
// dropped; above 1 the scan function's schedule is dropped and the coordinator's drives the fan-out.
// It also grants ssm:GetParameter on exactly the webhook parameters the function reads: the
// `ReadSlackWebhookParameter` statement's Resource becomes SLACK_WEBHOOK_PARAM plus every parameter
// config/channels.yml names (`${stage}` replaced by the stage), so a new channel never fails with AccessDenied.
// Plain JS because the framework loads plugins with require(); the validator is TypeScript, so it runs as a
// child process through tsx, exactly as a user would run `npm run cli -- validate`.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VALIDATOR_TIMEOUT_MS = 120_000;

class ValidateConfigPlugin {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = log;
    this.hooks = {
      'before:package:initialize': () => this.validate(),
      'before:deploy:function:initialize': () => this.validate(),
    };
  }

  validate() {
    this.applyShards();
    const functions = this.serverless.service.functions || {};
    // Validate the dir each function will read at run time, which is the dir package.patterns ships.
    const dirs = new Set(Object.values(functions).map(configDirOf));
    for (const dir of dirs) this.runValidator(dir);
    for (const [name, fn] of Object.entries(functions)) {
      this.checkSchedule(name, fn);
      const param = (fn.environment || {}).SLACK_WEBHOOK_PARAM;
      if (param !== undefined && !String(param).startsWith('/')) {
        this.fail(`function "${name}": SLACK_WEBHOOK_PARAM must be a parameter name starting with "/", got "${param}"`);
      }
    }
    this.grantWebhookParameters(functions);
  }

  /** One deployed shape per `shards` value (see the top); the count is read from the coordinator's SHARDS. */
  applyShards() {
    const functions = this.serverless.service.functions || {};
    const coordinator = functions.coordinator;
    if (!coordinator) return;
    const raw = (coordinator.environment || {}).SHARDS;
    const shards = Number(raw);
    if (!Number.isInteger(shards) || shards < 1 || shards > 100) {
      this.fail(`param shards must be a whole number from 1 to 100, got "${raw}"`);
    }
    if (shards === 1) {
      delete functions.coordinator;
      const role = (this.serverless.service.provider.iam || {}).role || {};
      role.statements = (role.statements || []).filter((s) => !(s && s.Sid === 'InvokeScanShards'));
      return;
    }
    // The coordinator's SCAN_FUNCTION_NAME names the `scan` function of this service.
    if (functions.scan) functions.scan.events = (functions.scan.events || []).filter((e) => !e.schedule);
  }

  /** Sets the Resource of the `ReadSlackWebhookParameter` statement to every webhook parameter (see the top). */
  grantWebhookParameters(functions) {
    const statements = ((this.serverless.service.provider.iam || {}).role || {}).statements || [];
    const statement = statements.find((s) => s && s.Sid === 'ReadSlackWebhookParameter');
    if (!statement) return;
    const names = [];
    const add = (name) => {
      if (typeof name === 'string' && name.startsWith('/') && !names.includes(name)) names.push(name);
    };
    for (const fn of Object.values(functions)) add((fn.environment || {}).SLACK_WEBHOOK_PARAM);
    for (const dir of new Set(Object.values(functions).map(configDirOf))) {
      for (const name of this.channelParameters(dir)) add(name);
    }
    if (names.length === 0) return;
    const arn = (name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` });
    // One parameter keeps the template's single-ARN shape; several become a list.
    statement.Resource = names.length === 1 ? arn(names[0]) : names.map(arn);
  }

  /** Every SSM parameter name in <configDir>/channels.yml (values starting with `/`), `${stage}` replaced. */
  channelParameters(configDir) {
    const dir = path.join(this.serverless.serviceDir, configDir);
    const file = ['channels.yml', 'channels.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) return [];
    const yaml = require(require.resolve('yaml', { paths: [this.serverless.serviceDir] }));
    const doc = yaml.parse(fs.readFileSync(file, 'utf8')) || {};
    const stage = this.stage();
    const values = [doc.default, doc.ops];
    for (const key of ['severities', 'channels', 'rules']) {
      if (doc[key] && typeof doc[key] === 'object') values.push(...Object.values(doc[key]));
    }
    return values
      .filter((v) => typeof v === 'string' && v.trim().startsWith('/'))
      .map((v) => v.trim().replace(/\$\{stage\}/g, stage));
  }

  stage() {
    const provider = this.serverless.getProvider && this.serverless.getProvider('aws');
    return (provider && provider.getStage && provider.getStage()) || this.options.stage || this.serverless.service.provider.stage || 'dev';
  }

  runValidator(configDir) {
    const cwd = this.serverless.serviceDir;
    // `npx tsx src/cli/main.ts validate`, minus npx: npx may ask the registry when tsx is missing, which
    // would hang an offline build instead of failing it.
    const tsx = require.resolve('tsx/cli', { paths: [cwd] });
    const args = [tsx, 'src/cli/main.ts', 'validate', '--config', configDir];
    const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: VALIDATOR_TIMEOUT_MS });
    const output = `${run.stdout || ''}${run.stderr || ''}`.trim();

    if (run.status === 0) {
      this.log?.info(`Config in ${configDir}/ is valid${output ? `:\n${output}` : ''}`);
      return;
    }
    const why = run.error
      ? `the validator could not run (${run.error.message})`
      : run.signal
        ? `the validator was killed (${run.signal})`
        : `the validator reported problems (exit code ${run.status})`;
    // The validator prints one `file:line:col: ...` line per problem; they go into the error itself so
    // they are shown whatever the log level.
    throw new this.serverless.classes.Error(
      `Config validation failed for ${configDir}/: ${why}. Fix these before packaging or deploying:\n${output}`,
      'ALERT_CONFIG_INVALID',
    );
  }

  checkSchedule(name, fn) {
    const timeout = fn.timeout || this.serverless.service.provider.timeout || 6;
    for (const event of fn.events || []) {
      if (!event.schedule) continue;
      const expr = typeof event.schedule === 'string' ? event.schedule : event.schedule.rate;
      for (const rate of [].concat(expr)) {
        const parsed = parseRate(rate);
        if (!parsed) continue; // cron(): no fixed interval to compare with
        const { minutes, value, plural } = parsed;
        // EventBridge rejects `rate(1 minutes)` and `rate(5 minute)`, but only at deploy time: catch it here.
        if ((value === 1) === plural) {
          this.fail(`function "${name}": ${rate} is not a valid rate (singular unit for 1, plural above)`);
        }
        if (timeout >= minutes * 60) {
          this.fail(`function "${name}": timeout ${timeout}s must be below its schedule interval ${rate}`);
        }
        const declared = (fn.environment || {}).SCAN_INTERVAL_MINUTES;
        if (declared !== undefined && Number(declared) !== minutes) {
          this.fail(`function "${name}": SCAN_INTERVAL_MINUTES=${declared} but it is scheduled ${rate}`);
        }
        const settings = this.settingsInterval(configDirOf(fn));
        if (settings !== undefined && settings !== minutes) {
          this.fail(
            `function "${name}" is scheduled ${rate} but ${configDirOf(fn)}/settings.yml has ` +
              `scanIntervalMinutes: ${settings}; make them agree`,
          );
        }
      }
    }
  }

  /** settings.yml's scanIntervalMinutes, when the file sets it (the validator has already vetted the file). */
  settingsInterval(configDir) {
    const file = path.join(this.serverless.serviceDir, configDir, 'settings.yml');
    if (!fs.existsSync(file)) return undefined;
    const yaml = require(require.resolve('yaml', { paths: [this.serverless.serviceDir] }));
    const value = (yaml.parse(fs.readFileSync(file, 'utf8')) || {}).scanIntervalMinutes;
    return value === undefined ? undefined : Number(value);
  }

  fail(message) {
    throw new this.serverless.classes.Error(message, 'ALERT_DEPLOY_CONFIG_INVALID');
  }
}

function configDirOf(fn) {
  return (fn.environment || {}).CONFIG_DIR || 'config';
}

const UNIT_MINUTES = { minute: 1, hour: 60, day: 1440 };

/** `rate(2 hours)` -> { minutes: 120, value: 2, plural: true }; undefined for anything but a rate. */
function parseRate(expr) {
  const m = /^rate\(\s*(\d+)\s+(minute|hour|day)(s?)\s*\)$/.exec(String(expr).trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  return { minutes: value * UNIT_MINUTES[m[2]], value, plural: m[3] === 's' };
}

module.exports = ValidateConfigPlugin;
