import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, formatProblem, loadConfig, logGroupMatcher, SEVERITIES, type Rule } from '../../../src/config';
import { REQUIRED_KEYS, RULE_ID, RULE_KEYS } from '../../../src/config/rule-schema';

// The config in the repo is what gets deployed: it must load with no problems at all.
const CONFIG_DIR = path.join(__dirname, '../../../config');

const REQ = '3b5c6e2f-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const TS = '2024-05-01T12:00:00.000Z';

/** Real-format lines each shipped rule must alert on, and near misses it must not. */
const SAMPLES: Record<string, { logGroup: string; hits: string[]; misses: string[] }> = {
  'lambda-timeout': {
    logGroup: '/aws/lambda/orders-api',
    hits: [`2024-05-01T12:00:03.005Z ${REQ} Task timed out after 3.00 seconds`],
    misses: [`${TS}\t${REQ}\tWARN\tHTTP request timed out after 3.00 seconds, retrying`],
  },
  'lambda-out-of-memory': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `RequestId: ${REQ} Error: Runtime exited with error: signal: killed`,
      `REPORT RequestId: ${REQ}\tDuration: 2950.12 ms\tBilled Duration: 2951 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory`,
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ],
    misses: [
      `REPORT RequestId: ${REQ}\tDuration: 2.25 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB`,
      `RequestId: ${REQ} Error: Runtime exited with error: exit status 1`,
    ],
  },
  'lambda-init-error': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'index'\\nRequire stack:\\n- /var/runtime/index.mjs","stack":["Runtime.ImportModuleError: Error: Cannot find module 'index'"]}`,
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound","errorMessage":"index.handler is undefined or not exported","stack":["Runtime.HandlerNotFound: index.handler is undefined or not exported"]}`,
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
    ],
    misses: ['INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9'],
  },
  'lambda-node-invoke-error': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"Order 42 not found","stack":["Error: Order 42 not found","    at Runtime.handler (file:///var/task/index.mjs:5:9)"]}`,
    ],
    misses: [
      // console.error from application code is not a failed invocation.
      `${TS}\t${REQ}\tERROR\tfailed to refresh cache, serving stale data`,
      // Excluded: a one-off reset of a kept-alive socket to an AWS endpoint.
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"read ECONNRESET","code":"ECONNRESET","errno":-104,"syscall":"read","stack":["Error: read ECONNRESET","    at TLSWrap.onStreamRead (node:internal/stream_base_commons:218:20)"]}`,
    ],
  },
  'lambda-node-crash': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\t${REQ}\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: boom","reason":{"errorType":"Error","errorMessage":"boom"},"promise":{},"stack":["Runtime.UnhandledPromiseRejection: Error: boom"]}`,
      `${TS}\t${REQ}\tERROR\tUncaught Exception \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')"]}`,
    ],
    misses: [
      `${TS}\t${REQ}\tWARN\t(node:8) PromiseRejectionHandledWarning: Promise rejection was handled asynchronously (rejection id: 1)`,
      // Excluded: init failures belong to lambda-init-error.
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'index'"}`,
    ],
  },
  'lambda-python-error': {
    logGroup: '/aws/lambda/billing-worker',
    hits: [
      `[ERROR]\t2024-05-01T12:00:00.123Z\t${REQ}\tFailed to process record 17`,
      `[ERROR] KeyError: 'order_id'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 12, in handler\n    order = event['order_id']`,
    ],
    misses: [
      `[WARNING]\t2024-05-01T12:00:00.123Z\t${REQ}\tRetrying after [ERROR] from upstream`,
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
    ],
  },
  'lambda-structured-error': {
    logGroup: '/aws/lambda/checkout',
    hits: [
      // Lambda's own JSON log format (advanced logging controls)
      `{"timestamp":"2024-05-01T12:00:00Z","level":"ERROR","message":"payment failed","requestId":"${REQ}"}`,
      // Powertools for AWS Lambda, with the trace id the alert links to
      `{"level":"ERROR","message":"Payment provider returned 503","service":"checkout","timestamp":"2024-05-01T12:00:00.000Z","xray_trace_id":"1-6650a1b2-0f3c5a7e9d1b2c4e6f8a0b1c"}`,
      `{"level": "CRITICAL", "message": "ledger out of balance"}`,
    ],
    misses: [
      `{"level":"WARN","message":"retrying after ERROR from upstream"}`,
      `{"level":"INFO","message":"previous attempt logged \\"level\\":\\"ERROR\\""}`,
    ],
  },
  'apigw-execution-5xx': {
    logGroup: 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
    hits: [`(0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f) Method completed with status: 502`],
    misses: [`(0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f) Method completed with status: 429`],
  },
  'apigw-access-5xx': {
    logGroup: '/aws/apigateway/orders-api-access',
    hits: [
      '{"requestId":"Xyz1AbCdIAMEbWw=","ip":"203.0.113.7","requestTime":"01/May/2024:12:00:00 +0000","httpMethod":"GET","routeKey":"GET /orders","status":"502","protocol":"HTTP/1.1","responseLength":"36"}',
      '203.0.113.7 - - [01/May/2024:12:00:00 +0000] "POST /orders HTTP/1.1" 503 36 Xyz1AbCdIAMEbWw=',
    ],
    misses: [
      '{"requestId":"Xyz1AbCdIAMEbWw=","ip":"203.0.113.7","httpMethod":"GET","routeKey":"GET /orders/500","status":"404","protocol":"HTTP/1.1","responseLength":"502"}',
      '203.0.113.7 - - [01/May/2024:12:00:00 +0000] "GET /orders/503 HTTP/1.1" 200 512 Xyz1AbCdIAMEbWw=',
    ],
  },
};

const alerts = (rule: Rule, line: string) => rule.pattern.test(line) && !rule.exclude.some((re) => re.test(line));

describe('shipped config', () => {
  let rules: Rule[];
  beforeAll(async () => {
    const config = await loadConfig(CONFIG_DIR);
    expect(config.problems.map(formatProblem)).toEqual([]);
    expect(config.settings).toEqual(DEFAULT_SETTINGS);
    rules = config.rules;
  });

  it('loads every rule, each with samples below', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  describe.each(Object.entries(SAMPLES))('%s', (id, samples) => {
    const rule = () => rules.find((r) => r.id === id)!;
    it('covers its example log group', () => {
      expect(rule().logGroups.some((p) => logGroupMatcher(p)(samples.logGroup))).toBe(true);
    });
    it.each(samples.hits)('alerts on %j', (line) => expect(alerts(rule(), line)).toBe(true));
    it.each(samples.misses)('ignores %j', (line) => expect(alerts(rule(), line)).toBe(false));
  });

  it('has an editor schema that agrees with the validator', () => {
    const schema = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'schema/rules.schema.json'), 'utf8'));
    const ruleSchema = schema.properties.rules.items;
    expect(Object.keys(ruleSchema.properties)).toEqual([...RULE_KEYS]);
    expect(ruleSchema.required).toEqual([...REQUIRED_KEYS]);
    expect(ruleSchema.properties.id.pattern).toBe(RULE_ID.source);
    expect(ruleSchema.properties.severity.enum).toEqual([...SEVERITIES]);
  });
});
