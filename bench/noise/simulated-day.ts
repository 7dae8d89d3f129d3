/**
 * A simulated day of noisy logs for a small serverless estate, every hit labelled with the incident it
 * belongs to, so the benchmark can check that fewer messages still means every incident reached Slack.
 *
 *  - orders-burst     03:00–03:20  300 failing requests, same DynamoDB error, plus API Gateway 502s
 *  - payments-flap    all day      a database that refuses connections for a minute every ~10 minutes
 *  - checkout-outage  14:00–14:40  the payment provider is down: Lambda errors + API Gateway 502s, same traces
 *  - reports-drip     every 2 h    a nightly-style job that fails for one tenant
 *  - resizer-oom      every 3 h    an out-of-memory kill
 *  - sync-timeout     every 45 min a timeout in a legacy sync function
 *  - blips            random       one-off ECONNRESETs the rules exclude (not incidents)
 * Background START/END/REPORT and INFO lines make the volume realistic; they never alert.
 */
import { seededRandom as seeded } from '../../tests/support/cloudwatch-logs/faults';
export interface SimEvent {
  logGroup: string;
  logStream: string;
  timestamp: number;
  message: string;
  /** The incident the line belongs to; undefined for lines that must not alert. */
  incident?: string;
}

export const INCIDENTS = ['orders-burst', 'payments-flap', 'checkout-outage', 'reports-drip', 'resizer-oom', 'sync-timeout'] as const;

const MIN = 60_000;
const HOUR = 60 * MIN;

export function simulatedDay(dayStart: number, seed = 7): SimEvent[] {
  const rnd = seeded(seed);
  const events: SimEvent[] = [];
  const uuid = (): string => {
    const h = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  };
  const trace = (): string => `1-${Math.floor(dayStart / 1000).toString(16)}-${Array.from({ length: 24 }, () => Math.floor(rnd() * 16).toString(16)).join('')}`;
  const iso = (t: number): string => new Date(t).toISOString();
  const stream = (fn: string): string => `2026/11/23/[$LATEST]${fn.padEnd(32, '0').slice(0, 32)}`;
  const push = (e: SimEvent): void => void events.push(e);

  // Background: healthy invocations of every function, all day.
  for (const fn of ['orders-api', 'payments-worker', 'checkout', 'reports-job', 'image-resizer', 'legacy-sync', 'healthcheck']) {
    for (let t = dayStart; t < dayStart + 24 * HOUR; t += 2 * MIN + Math.floor(rnd() * 2 * MIN)) {
      const req = uuid();
      const group = `/aws/lambda/${fn}`;
      push({ logGroup: group, logStream: stream(fn), timestamp: t, message: `START RequestId: ${req} Version: $LATEST\n` });
      push({ logGroup: group, logStream: stream(fn), timestamp: t + 5, message: `${iso(t + 5)}\t${req}\tINFO\thandled ${Math.floor(rnd() * 1000)} items\n` });
      push({ logGroup: group, logStream: stream(fn), timestamp: t + 40, message: `END RequestId: ${req}\n` });
      push({
        logGroup: group, logStream: stream(fn), timestamp: t + 41,
        message: `REPORT RequestId: ${req}\tDuration: ${(20 + rnd() * 80).toFixed(2)} ms\tBilled Duration: 100 ms\tMemory Size: 256 MB\tMax Memory Used: ${70 + Math.floor(rnd() * 30)} MB\t\n`,
      });
    }
  }

  const apiFailure = (t: number, incident: string, req: string, traceId?: string): void => {
    const traceLine = traceId ? ` X-Amzn-Trace-Id: Root=${traceId}` : '';
    push({ logGroup: 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod', logStream: 'exec', timestamp: t, message: `(${req}) Method completed with status: 502${traceLine}`, incident });
    push({
      logGroup: '/aws/apigateway/shop-access', logStream: 'access', timestamp: t + 1, incident,
      message: JSON.stringify({ requestId: req, ip: `198.51.100.${Math.floor(rnd() * 250)}`, httpMethod: 'POST', resourcePath: '/orders', status: '502', protocol: 'HTTP/1.1', responseLength: '36' }),
    });
  };

  // orders-burst: 300 requests in 20 minutes fail the same way; each also surfaces as an API Gateway 502.
  for (let i = 0; i < 300; i++) {
    const t = dayStart + 3 * HOUR + Math.floor((i / 300) * 20 * MIN);
    const req = uuid();
    push({
      logGroup: '/aws/lambda/orders-api', logStream: stream('orders-api'), timestamp: t, incident: 'orders-burst',
      message: `${iso(t)}\t${req}\tERROR\tInvoke Error \t{"errorType":"ConditionalCheckFailedException","errorMessage":"The conditional request failed for order ord_${100000 + i}"}\n`,
    });
    apiFailure(t + 30, 'orders-burst', uuid());
  }

  // payments-flap: every ~10 minutes the database refuses connections for about a minute.
  for (let t = dayStart + 7 * MIN; t < dayStart + 24 * HOUR; t += 8 * MIN + Math.floor(rnd() * 4 * MIN)) {
    const n = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) {
      const at = t + k * 15_000;
      push({
        logGroup: '/aws/lambda/payments-worker', logStream: stream('payments-worker'), timestamp: at, incident: 'payments-flap',
        message: `[ERROR]\t${iso(at)}\t${uuid()}\tOperationalError: connection to server at "10.0.3.${10 + Math.floor(rnd() * 4)}", port 5432 failed: Connection refused\n`,
      });
    }
  }

  // checkout-outage: the provider is down for 40 minutes; each failed checkout is a Lambda error and a 502.
  for (let t = dayStart + 14 * HOUR; t < dayStart + 14 * HOUR + 40 * MIN; t += 20_000 + Math.floor(rnd() * 20_000)) {
    const traceId = trace();
    push({
      logGroup: '/aws/lambda/checkout', logStream: stream('checkout'), timestamp: t, incident: 'checkout-outage',
      message: JSON.stringify({ level: 'ERROR', message: `Payment provider returned 503 after ${Math.floor(rnd() * 3000)} ms`, service: 'checkout', timestamp: iso(t), xray_trace_id: traceId }) + '\n',
    });
    apiFailure(t + 200, 'checkout-outage', uuid(), traceId);
  }

  // Slow drips.
  for (let t = dayStart + 50 * MIN; t < dayStart + 24 * HOUR; t += 2 * HOUR) {
    push({
      logGroup: '/aws/lambda/reports-job', logStream: stream('reports-job'), timestamp: t, incident: 'reports-drip',
      message: `[ERROR]\t${iso(t)}\t${uuid()}\tReport generation failed for tenant t-${1000 + Math.floor(rnd() * 50)}: template missing\n`,
    });
  }
  for (let t = dayStart + 95 * MIN; t < dayStart + 24 * HOUR; t += 3 * HOUR) {
    push({
      logGroup: '/aws/lambda/image-resizer', logStream: stream('image-resizer'), timestamp: t, incident: 'resizer-oom',
      message: `RequestId: ${uuid()} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n`,
    });
  }
  for (let t = dayStart + 20 * MIN; t < dayStart + 24 * HOUR; t += 45 * MIN) {
    push({
      logGroup: '/aws/lambda/legacy-sync', logStream: stream('legacy-sync'), timestamp: t, incident: 'sync-timeout',
      message: `${iso(t)} ${uuid()} Task timed out after 30.03 seconds\n`,
    });
  }

  // One-off blips the shipped rule excludes.
  for (let i = 0; i < 12; i++) {
    const t = dayStart + Math.floor(rnd() * 24 * HOUR);
    push({
      logGroup: '/aws/lambda/orders-api', logStream: stream('orders-api'), timestamp: t,
      message: `${iso(t)}\t${uuid()}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"read ECONNRESET","code":"ECONNRESET"}\n`,
    });
  }

  return events.sort((a, b) => a.timestamp - b.timestamp);
}
