/**
 * Writes the labelled Lambda and API Gateway samples (data/synthetic/*.jsonl): realistic line
 * shapes from the Node, Python and Java runtimes, the Lambda platform and API Gateway, with values
 * drawn from a seeded RNG so the files are reproducible. Regenerate: npx tsx bench/fingerprint/gen-synthetic.ts
 *
 * The template id (first field) is the ground truth: lines from one log statement share it, whatever
 * their values. These files were written alongside the rules, so they check the intent, not a held-out score.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = mulberry32(20240501);
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const ip = (): string => `${pick([10, 172, 54, 3, 18])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
const ms = (): string => (rnd() * 3000).toFixed(2);
const iso = (): string => {
  const d = new Date(Date.UTC(2024, 4, int(1, 28), int(0, 23), int(0, 59), int(0, 59), int(0, 999)));
  return d.toISOString();
};
const traceId = (): string => `1-${hex(8)}-${hex(24)}`;
const region = (): string => pick(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
const account = (): string => String(int(100000000000, 999999999999));
const word = (): string => pick(['alpha', 'bravo', 'orders', 'billing', 'ingest', 'reports', 'sync']);
const user = (): string => pick(['alice', 'bob', 'carol', 'dave', 'erin']) + int(1, 99);
const email = (): string => `${user()}@${pick(['example.com', 'mail.example.org', 'corp.example.net'])}`;
const orderId = (): string => pick([String(int(1000, 99999)), `ord_${hex(12)}`, uuid()]);
const node = (id: string, type: string, msg: string, stack: string[]): string =>
  `${iso()}\t${id}\tERROR\t${type}\t${JSON.stringify({ errorType: stack[0]!.split(':')[0], errorMessage: msg, stack })}`;
const jsFrames = (): string[] => [
  `    at Runtime.handler (file:///var/task/index.mjs:${int(5, 300)}:${int(3, 40)})`,
  `    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
];
const pyFrames = (): string =>
  `Traceback (most recent call last):\n  File "/var/task/app.py", line ${int(10, 400)}, in lambda_handler\n    return process(event)\n  File "/var/task/${word()}.py", line ${int(10, 400)}, in process\n    raise err`;

type Gen = () => string;

const lambda: Record<string, Gen> = {
  start: () => `START RequestId: ${uuid()} Version: $LATEST`,
  startVersion: () => `START RequestId: ${uuid()} Version: ${int(1, 90)}`,
  end: () => `END RequestId: ${uuid()}`,
  report: () =>
    `REPORT RequestId: ${uuid()}\tDuration: ${ms()} ms\tBilled Duration: ${int(1, 3000)} ms\tMemory Size: ${pick([128, 256, 512, 1024])} MB\tMax Memory Used: ${int(60, 500)} MB\t`,
  reportCold: () =>
    `REPORT RequestId: ${uuid()}\tDuration: ${ms()} ms\tBilled Duration: ${int(1, 3000)} ms\tMemory Size: ${pick([128, 256, 512])} MB\tMax Memory Used: ${int(60, 500)} MB\tInit Duration: ${ms()} ms\t`,
  // With X-Ray on, REPORT gains a second line; still the same event.
  'report ': () =>
    `REPORT RequestId: ${uuid()}\tDuration: ${ms()} ms\tBilled Duration: ${int(1, 3000)} ms\tMemory Size: 256 MB\tMax Memory Used: ${int(60, 250)} MB\t\nXRAY TraceId: ${traceId()}\tSegmentId: ${hex(16)}\tSampled: true\t`,
  timeout: () => `${iso()} ${uuid()} Task timed out after ${(int(3, 900) + rnd()).toFixed(2)} seconds`,
  runtimeExit: () => `RequestId: ${uuid()} Error: Runtime exited with error: signal: killed\nRuntime.ExitError`,
  runtimeExitStatus: () => `RequestId: ${uuid()} Error: Runtime exited with error: exit status ${int(1, 2)}\nRuntime.ExitError`,
  initStart: () =>
    `INIT_START Runtime Version: nodejs:20.v${int(10, 40)}\tRuntime Version ARN: arn:aws:lambda:${region()}::runtime:${hex(64)}`,
  nodeTypeError: () => {
    const m = `Cannot read properties of undefined (reading '${pick(['id', 'body', 'Records', 'items'])}')`;
    return node(uuid(), 'Invoke Error ', m, [`TypeError: ${m}`, ...jsFrames()]);
  },
  nodeNotFound: () => {
    const m = `Order ${orderId()} not found`;
    return node(uuid(), 'Invoke Error ', m, [`Error: ${m}`, ...jsFrames()]);
  },
  'nodeNotFound ': () => {
    // Older runtimes pretty-print the payload over several lines: the same event as nodeNotFound
    // (the trailing space in the key only keeps the object keys apart; it is trimmed from the label).
    const m = `Order ${orderId()} not found`;
    const body = JSON.stringify({ errorType: 'Error', errorMessage: m, stack: [`Error: ${m}`, ...jsFrames()] }, null, 4);
    return `${iso()}\t${uuid()}\tERROR\tInvoke Error \t${body}`;
  },
  nodeImport: () => {
    const m = `Error: Cannot find module '${pick(['aws-sdk', 'pg', 'lodash'])}'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs`;
    return `${iso()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: m, stack: [`Runtime.ImportModuleError: ${m}`] })}`;
  },
  nodeAccessDenied: () => {
    const m = `User: arn:aws:sts::${account()}:assumed-role/${word()}-role/${word()}-fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${region()}:${account()}:table/${word()}`;
    return node(uuid(), 'Invoke Error ', m, [`AccessDeniedException: ${m}`, ...jsFrames()]);
  },
  nodeThrottle: () => {
    const m = 'Rate exceeded';
    return node(uuid(), 'Unhandled Promise Rejection ', m, [`ThrottlingException: ${m}`, ...jsFrames()]);
  },
  nodeEconnrefused: () => {
    const a = ip();
    const p = pick([5432, 6379, 3306]);
    return `${iso()}\t${uuid()}\tERROR\tError: connect ECONNREFUSED ${a}:${p}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '${a}',\n  port: ${p}\n}`;
  },
  nodeEconnreset: () =>
    `${iso()}\t${uuid()}\tERROR\tError: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:217:20) {\n  errno: -104,\n  code: 'ECONNRESET',\n  syscall: 'read'\n}`,
  nodeConsoleError: () => `${iso()}\t${uuid()}\tERROR\tFailed to process record ${int(0, 500)} of batch ${uuid()}: payload too large (${int(256, 9000)} KB)`,
  nodeWarn: () => `${iso()}\t${uuid()}\tWARN\tRetrying PutItem for ${email()} in ${int(50, 2000)}ms (attempt ${int(1, 5)})`,
  pyKeyError: () => `[ERROR] KeyError: '${pick(['order_id', 'body', 'detail-type'])}'\n${pyFrames()}\nKeyError: '${pick(['order_id', 'body'])}'`,
  pyClientErrorCond: () => {
    const l = 'An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed';
    return `[ERROR] ClientError: ${l}\n${pyFrames()}\nbotocore.errorfactory.ConditionalCheckFailedException: ${l}`;
  },
  pyClientErrorThrottle: () => {
    const l = `An error occurred (ProvisionedThroughputExceededException) when calling the ${pick(['PutItem', 'Query'])} operation (reached max retries: ${int(3, 9)}): Rate of requests exceeds the allowed throughput.`;
    return `[ERROR] ClientError: ${l}\n${pyFrames()}\nbotocore.errorfactory.ProvisionedThroughputExceededException: ${l}`;
  },
  pyImport: () => `[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named '${pick(['requests', 'psycopg2', 'yaml'])}'\nTraceback (most recent call last):`,
  pyLoggedException: () =>
    `[ERROR]\t${iso()}\t${uuid()}\tUnhandled error processing order ${orderId()}\n${pyFrames()}\nValueError: invalid literal for int() with base 10: '${hex(4)}'`,
  pyLogError: () => `[ERROR]\t${iso()}\t${uuid()}\tPayment for customer ${int(1000, 9999)} declined: card ending ${int(1000, 9999)} expired`,
  pyWarning: () => `[WARNING]\t${iso()}\t${uuid()}\tRetrying request to https://api.example.com/v1/customers/${int(1, 99999)}/invoices after ${(rnd() * 5).toFixed(1)}s (attempt ${int(1, 3)}/3)`,
  javaNpe: () =>
    `${iso()} ${uuid()} ERROR OrderHandler - Failed to load order ${orderId()}\njava.lang.NullPointerException: Cannot invoke "String.length()" because "sku" is null\n\tat com.example.orders.OrderHandler.handleRequest(OrderHandler.java:${int(20, 200)})\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(Unknown Source)`,
  javaOom: () => `Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n\tat com.example.Report.build(Report.java:${int(10, 99)})`,
  goRefused: () => `${iso()} ${uuid()} ERROR failed to connect to postgres at ${ip()}:5432: dial tcp ${ip()}:5432: connect: connection refused`,
  goReset: () => `${iso()} ${uuid()} ERROR failed to connect to postgres at ${ip()}:5432: read tcp ${ip()}:${int(30000, 60000)}->${ip()}:5432: read: connection reset by peer`,
  powertoolsPy: () =>
    JSON.stringify({
      level: 'ERROR',
      location: `handler:${int(10, 200)}`,
      message: `Charge failed for customer ${int(1000, 9999)}`,
      timestamp: `2024-05-0${int(1, 9)} 12:${int(10, 59)}:${int(10, 59)},${int(100, 999)}+0000`,
      service: 'payments',
      xray_trace_id: traceId(),
      exception: `Traceback (most recent call last):\n  File "/var/task/app.py", line 40, in handler\nstripe.error.CardError: Request req_${hex(14)}: Your card was declined.`,
      exception_name: 'CardError',
    }),
  powertoolsNode: () =>
    JSON.stringify({
      level: 'ERROR',
      message: 'Failed to send notification',
      sampling_rate: 0,
      service: 'notifier',
      timestamp: iso(),
      xray_trace_id: traceId(),
      error: { name: 'TimeoutError', location: `/var/task/index.js:${int(10, 90)}`, message: `Request timed out after ${int(1000, 9000)}ms`, stack: 'TimeoutError: ...' },
    }),
  jsonLogFormat: () =>
    JSON.stringify({ timestamp: iso(), level: 'ERROR', requestId: uuid(), message: `Stock level for SKU ${hex(8).toUpperCase()} fell below threshold ${int(1, 20)}` }),
};

const apigw: Record<string, Gen> = {
  methodStatus: () => `(${uuid()}) Method completed with status: ${pick([500, 502, 503, 504])}`,
  configError: () => `(${uuid()}) Execution failed due to configuration error: Malformed Lambda proxy response`,
  lambdaTimeout: () =>
    `(${uuid()}) Lambda execution failed with status 200 due to customer function error: Task timed out after ${(29 + rnd()).toFixed(2)} seconds. Lambda request id: ${uuid()}`,
  endpointTimeout: () => `(${uuid()}) Endpoint request timed out`,
  timeoutError: () => `(${uuid()}) Execution failed due to a timeout error`,
  authorizerError: () => `(${uuid()}) Authorizer error`,
  unauthorized: () => `(${uuid()}) Unauthorized request: ${uuid()}`,
  throttled: () => `(${uuid()}) API Key ${hex(10)} throttled by usage plan ${hex(6)}`,
  response: () => `(${uuid()}) Received response. Status: ${pick([500, 502])}, Integration latency: ${int(3, 29000)} ms`,
  sending: () =>
    `(${uuid()}) Sending request to https://lambda.${region()}.amazonaws.com/2015-03-31/functions/arn:aws:lambda:${region()}:${account()}:function:${word()}-api/invocations`,
  responseBody: () => `(${uuid()}) Method response body after transformations: {"message": "Internal server error"}`,
  clfUsers: () =>
    `${ip()} - - [${String(int(1, 28)).padStart(2, '0')}/May/2024:${int(10, 23)}:${int(10, 59)}:${int(10, 59)} +0000] "GET /prod/users/${int(1, 99999)} HTTP/1.1" ${pick([500, 502, 504])} ${int(20, 900)} ${uuid()}`,
  clfOrderItems: () =>
    `${ip()} - - [${String(int(1, 28)).padStart(2, '0')}/May/2024:${int(10, 23)}:${int(10, 59)}:${int(10, 59)} +0000] "POST /prod/orders/${orderId()}/items HTTP/1.1" ${pick([500, 502])} ${int(20, 900)} ${uuid()}`,
  clfOrders: () =>
    `${ip()} - - [${String(int(1, 28)).padStart(2, '0')}/May/2024:${int(10, 23)}:${int(10, 59)}:${int(10, 59)} +0000] "GET /prod/orders?status=open&page=${int(1, 9)} HTTP/1.1" 502 ${int(20, 900)} ${uuid()}`,
  jsonAccessUsers: () =>
    JSON.stringify({ requestId: uuid(), ip: ip(), requestTime: `${int(10, 28)}/May/2024:12:00:${int(10, 59)} +0000`, httpMethod: 'GET', routeKey: 'GET /users/{id}', status: String(pick([500, 502])), protocol: 'HTTP/1.1', responseLength: String(int(10, 999)) }),
  jsonAccessOrders: () =>
    JSON.stringify({ requestId: uuid(), ip: ip(), requestTime: `${int(10, 28)}/May/2024:12:00:${int(10, 59)} +0000`, httpMethod: 'POST', routeKey: 'POST /orders', status: String(pick([500, 503])), protocol: 'HTTP/1.1', responseLength: String(int(10, 999)) }),
  wafBlocked: () => `(${uuid()}) Request blocked by WAF rule ${pick(['AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesSQLiRuleSet'])} for client ${ip()}`,
  integrationError: () => `(${uuid()}) Execution failed due to configuration error: Invalid permissions on Lambda function`,
};

/** Uneven counts, as in real logs: a few templates dominate, many are rare. */
function generate(gens: Record<string, Gen>): string {
  const names = Object.keys(gens);
  const out: string[] = [];
  names.forEach((name, i) => {
    const n = i % 4 === 0 ? int(20, 30) : i % 3 === 0 ? int(2, 4) : int(6, 14);
    for (let k = 0; k < n; k++) out.push(JSON.stringify({ template: name.trim(), message: gens[name]!() }));
  });
  // Interleave as a real stream would, deterministically.
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.join('\n') + '\n';
}

const dir = join(__dirname, 'data', 'synthetic');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'Lambda.jsonl'), generate(lambda));
writeFileSync(join(dir, 'APIGateway.jsonl'), generate(apigw));
