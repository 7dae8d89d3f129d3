import type { Rule } from '../../src/config/types';

/** Realistic rule patterns: the shipped Lambda rules plus the kind users add for their own services. */
export const RULE_PATTERNS: [string, string][] = [
  // shipped (config/rules/lambda.yml, api-gateway.yml)
  ['Task timed out after (?<seconds>\\d+(?:\\.\\d+)?) seconds', ''],
  ['Runtime exited with error: signal: killed|Runtime\\.OutOfMemory|JavaScript heap out of memory|java\\.lang\\.OutOfMemoryError', ''],
  ['Runtime\\.(?<errorType>ImportModuleError|HandlerNotFound|UserCodeSyntaxError|MalformedHandlerName)', ''],
  ['\\tERROR\\tInvoke Error\\s', ''],
  ['\\tERROR\\t(?:Unhandled Promise Rejection|Uncaught Exception)\\s', ''],
  ['^\\[(?:ERROR|CRITICAL)\\]\\s', ''],
  ['"level"\\s*:\\s*"(?:ERROR|CRITICAL|FATAL)"', ''],
  ['Method completed with status: (?<status>5\\d\\d)\\b', ''],
  ['(?:"status":\\s*"?|HTTP/\\d(?:\\.\\d)?" )(?<status>5\\d\\d)\\b', ''],
  ['ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN', ''],
  // user rules
  ['ThrottlingException|Rate exceeded|TooManyRequestsException', ''],
  ['AccessDenied(?:Exception)?|is not authorized to perform', ''],
  ['ProvisionedThroughputExceededException', ''],
  ['ConditionalCheckFailedException', ''],
  ['PaymentDeclined(?:Exception)?: (?<reason>\\w+)', ''],
  ['deadline exceeded', 'i'],
  ['connection (?:pool )?exhausted', 'i'],
  ['\\b(?:FATAL|PANIC)\\b', ''],
  ['panic: runtime error', ''],
  ['Traceback \\(most recent call last\\)', ''],
  ['NullPointerException|IndexOutOfBoundsException|ClassCastException', ''],
  ['SequelizeConnectionError|PrismaClientInitializationError', ''],
  ['"statusCode"\\s*:\\s*5\\d\\d', ''],
  ['Lambda was unable to decrypt the environment variables', ''],
  ['Unable to import module', ''],
  ['SSL routines|certificate verify failed|CERT_HAS_EXPIRED', ''],
  ['out of disk space|No space left on device', 'i'],
  ['Maximum call stack size exceeded', ''],
  ['ResourceNotFoundException: Requested resource not found', ''],
  ['ValidationException: (?<detail>.{1,80})', ''],
  ['circuit breaker (?:is )?open', 'i'],
  ['retry(?:ing)? attempt (?<n>[5-9]|\\d{2,})', 'i'],
  ['queue (?<queue>[\\w-]+) is full', 'i'],
  ['DLQ|dead[- ]letter', 'i'],
  ['order (?<order>[A-Z0-9]{8}) failed', ''],
  ['invalid signature', 'i'],
  ['JWT expired|TokenExpiredError', ''],
  ['duplicate key value violates unique constraint', ''],
  ['deadlock detected', ''],
  ['Lock wait timeout exceeded', ''],
  ['Too many connections', ''],
  ['KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError', ''],
  ['socket hang up', ''],
  ['ERR_HTTP2_STREAM_ERROR|ERR_STREAM_PREMATURE_CLOSE', ''],
  ['Error: (?:read|write) EPIPE', ''],
  ['Failed to fetch secret (?<name>[\\w/-]+)', ''],
  ['SES.*MessageRejected|Email address is not verified', ''],
  ['S3.*(?:NoSuchKey|SlowDown)', ''],
  ['billing (?:job|run) (?<job>\\d+) aborted', 'i'],
  ['\\bWARN(?:ING)?\\b.*disk usage (?<pct>9\\d|100)%', ''],
];

/** The Insights engine's concurrent queries in the tick benchmark: the scanner's share, below the emulator's account-wide 30. */
export const INSIGHTS_CONCURRENCY = 10;

export function benchRules(count: number, logGroups = ['/aws/lambda/*']): Rule[] {
  return RULE_PATTERNS.slice(0, count).map(([source, flags], i) => ({
    id: `rule-${String(i + 1).padStart(2, '0')}`,
    description: source,
    severity: 'warning',
    logGroups,
    pattern: new RegExp(source, flags),
    exclude: i === 3 ? [/"errorMessage":"read ECONNRESET"/] : [],
    location: { file: 'bench', line: i + 1, col: 1 },
  }));
}

const REQ = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
let seed = 12345;
/** mulberry32: seeded, so the generated logs are the same on every run. */
export function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const resetRand = (s = 12345) => {
  seed = s >>> 0;
};
function hex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}
const iso = (ms: number) => new Date(ms).toISOString();

/** Everyday Lambda log lines (no rule should fire on these). */
export function quietLine(ms: number): string {
  const r = rand();
  const id = REQ();
  if (r < 0.15) return `START RequestId: ${id} Version: $LATEST`;
  if (r < 0.3) return `END RequestId: ${id}`;
  if (r < 0.45)
    return `REPORT RequestId: ${id}\tDuration: ${(rand() * 900).toFixed(2)} ms\tBilled Duration: ${Math.ceil(rand() * 900)} ms\tMemory Size: 512 MB\tMax Memory Used: ${Math.floor(80 + rand() * 100)} MB`;
  if (r < 0.7)
    return `${iso(ms)}\t${id}\tINFO\t{"level":"INFO","message":"processed order","orderId":"${hex(8).toUpperCase()}","items":${Math.floor(rand() * 9)},"durationMs":${Math.floor(rand() * 500)},"service":"orders"}`;
  if (r < 0.85) return `${iso(ms)}\t${id}\tINFO\tGET /v1/customers/${hex(6)} 200 ${Math.floor(rand() * 300)}ms`;
  if (r < 0.95) return `[INFO]\t${iso(ms)}\t${id}\tFetched ${Math.floor(rand() * 100)} records from table inventory-${hex(4)} in ${Math.floor(rand() * 90)} ms`;
  return `${iso(ms)}\t${id}\tDEBUG\tcache hit ratio=${rand().toFixed(3)} keys=${Math.floor(rand() * 10000)} evictions=${Math.floor(rand() * 10)}`;
}

/** Lines some rule fires on. */
export function errorLine(ms: number): string {
  const id = REQ();
  const r = rand();
  if (r < 0.2) return `${iso(ms)} ${id} Task timed out after ${(rand() * 30).toFixed(2)} seconds`;
  if (r < 0.4)
    return `${iso(ms)}\t${id}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined","    at handler (/var/task/index.js:12:7)"]}`;
  if (r < 0.55) return `[ERROR]\t${iso(ms)}\t${id}\tKeyError: 'customerId'`;
  if (r < 0.7) return `${iso(ms)}\t${id}\tERROR\t{"level":"ERROR","message":"payment failed","error":"PaymentDeclined: insufficient_funds"}`;
  if (r < 0.85) return `${iso(ms)}\t${id}\tWARN\tThrottlingException: Rate exceeded (retrying attempt 6)`;
  return `${iso(ms)}\t${id}\tERROR\tconnect ECONNREFUSED 10.0.3.12:5432`;
}
