import { correlate, correlationIds, groupHits } from '../../../src/dedup';
import { matchEvent } from '../../../src/matching';
import type { LogEvent } from '../../../src/sources';
import { rule } from '../pipeline/rules';

const REQ = '0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f';
const OTHER = '11111111-2222-4333-8444-555555555555';
const TRACE = '1-6650a1b2-0f3c5a7e9d1b2c4e6f8a0b1c';

let n = 0;
const ev = (logGroup: string, message: string): LogEvent => ({
  logGroup, logStream: 's', message, timestamp: 1_000 + n, eventId: String(n++),
});

describe('correlationIds', () => {
  it('finds request ids where AWS runtimes put them, and trace ids anywhere', () => {
    expect(correlationIds(`2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tInvoke Error`)).toEqual([`request:${REQ}`]);
    expect(correlationIds(`(${REQ}) Method completed with status: 502`)).toEqual([`request:${REQ}`]);
    expect(correlationIds(`{"requestId":"${REQ}","status":"502"}`)).toEqual([`request:${REQ}`]);
    expect(correlationIds(`X-Amzn-Trace-Id: Root=${TRACE};Parent=53995c3f42cd8ad8;Sampled=1`)).toEqual([`trace:${TRACE}`]);
  });

  it('ignores a UUID that is only part of the message text', () => {
    expect(correlationIds(`ERROR order ${REQ} could not be saved`)).toEqual([]);
  });
});

describe('correlate', () => {
  const lambdaErr = rule({ id: 'lambda-error', pattern: /\tERROR\t/ });
  const apigwExec = rule({ id: 'apigw-5xx', logGroups: ['API-Gateway-*'], pattern: /status: 5\d\d/ });
  const apigwAccess = rule({ id: 'apigw-access-5xx', logGroups: ['/aws/apigateway/*'], pattern: /"status":"5\d\d"/ });

  const alertsFor = (events: LogEvent[]) => groupHits(events.flatMap((e) => matchEvent([lambdaErr, apigwExec, apigwAccess], e)));

  it('merges the execution-log 5xx and the access-log 5xx of the same request into one incident', () => {
    const alerts = alertsFor([
      ev('API-Gateway-Execution-Logs_abc/prod', `(${REQ}) Method completed with status: 502`),
      ev('/aws/apigateway/access', `{"requestId":"${REQ}","status":"502"}`),
      ev('/aws/lambda/other', `2024-05-01T12:00:00.000Z\t${OTHER}\tERROR\tunrelated`),
    ]);
    const { incidents, standalone } = correlate(alerts);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ key: REQ, keyKind: 'request' });
    expect(incidents[0]!.alerts.map((a) => a.rule.id).sort()).toEqual(['apigw-5xx', 'apigw-access-5xx']);
    expect(standalone.map((a) => a.rule.id)).toEqual(['lambda-error']);
  });

  it('prefers the trace id as the incident key, so the message can link the trace', () => {
    const alerts = alertsFor([
      ev('/aws/lambda/checkout', `2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tboom {"xray_trace_id":"${TRACE}"}`),
      ev('API-Gateway-Execution-Logs_abc/prod', `(${OTHER}) Method completed with status: 502 X-Amzn-Trace-Id: Root=${TRACE}`),
    ]);
    const { incidents } = correlate(alerts);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ key: TRACE, keyKind: 'trace' });
  });

  it('leaves repeated hits of one rule in one log group as a plain alert, not an incident', () => {
    const alerts = alertsFor([
      ev('/aws/lambda/a', `2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tfirst`),
      ev('/aws/lambda/a', `2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tsecond thing entirely`),
    ]);
    const { incidents, standalone } = correlate(alerts);
    expect(incidents).toEqual([]);
    expect(standalone).toHaveLength(2);
  });
});
