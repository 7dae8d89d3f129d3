import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AwsError, throttled } from './errors';
import { Faults, Quotas } from './faults';
import { HandlerContext } from './context';
import { cloudWatchLogsHandlers } from './handlers';
import { FunctionStore, lambdaRoute } from './lambda';
import { ParameterStore, ssmHandlers } from './ssm';

/** The two JSON 1.1 services the Lambda talks to, told apart by the X-Amz-Target prefix. */
const SERVICES = {
  Logs_20140328: { signingName: 'logs', serverError: 'ServiceUnavailableException' },
  AmazonSSM: { signingName: 'ssm', serverError: 'InternalServerError' },
} as const;

export interface ServerState {
  region: string;
  cwl: HandlerContext;
  ssm: ParameterStore;
  lambda: FunctionStore;
  faults: Faults;
  quotas: Quotas;
  calls: Record<string, number>;
  throttled: Record<string, number>;
}

export function createEmulatorServer(state: ServerState): Server {
  return createServer((req, res) => {
    readBody(req)
      .then((raw) => respond(state, req, raw, res))
      .catch((err: unknown) => send(res, 500, { __type: 'InternalFailure', message: String(err) }));
  });
}

async function respond(state: ServerState, req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
  const lambda = lambdaRoute(req.method, req.url);
  if (lambda) return respondLambda(state, req, raw, lambda, res);
  const target = String(req.headers['x-amz-target'] ?? '');
  const [prefix = '', op = ''] = target.split('.');
  const service = SERVICES[prefix as keyof typeof SERVICES];
  if (req.method !== 'POST' || !service) {
    return sendError(res, new AwsError('UnknownOperationException', `Unknown target: ${target || '(none)'}`));
  }
  state.calls[op] = (state.calls[op] ?? 0) + 1;

  const authError = checkSignatureScope(req, state.region, service.signingName);
  if (authError) return sendError(res, authError);

  const verdict = state.faults.decide(op, () => new AwsError(service.serverError, 'Service unavailable (injected)', 500));
  if (verdict.kind === 'hang') return; // left open on purpose; close() destroys the socket
  if (verdict.latencyMs > 0) await new Promise((r) => setTimeout(r, verdict.latencyMs));
  const error = verdict.kind === 'fail' ? verdict.error : state.quotas.admit(op) ? undefined : throttled();
  if (error) {
    if (error.code === 'ThrottlingException') state.throttled[op] = (state.throttled[op] ?? 0) + 1;
    return sendError(res, error);
  }

  let body: Record<string, unknown>;
  try {
    body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  } catch {
    return sendError(res, new AwsError('SerializationException', 'Start of structure or map found where not expected.'));
  }
  try {
    const result =
      prefix === 'AmazonSSM'
        ? callHandler(ssmHandlers, op, (h) => h(body, state.ssm))
        : callHandler(cloudWatchLogsHandlers, op, (h) => h(body, state.cwl));
    send(res, 200, result);
  } catch (err) {
    if (err instanceof AwsError) return sendError(res, err);
    throw err;
  }
}

/** Lambda's REST-JSON API: the error type travels in the `x-amzn-errortype` header. */
async function respondLambda(
  state: ServerState,
  req: IncomingMessage,
  raw: string,
  route: NonNullable<ReturnType<typeof lambdaRoute>>,
  res: ServerResponse,
): Promise<void> {
  const { op } = route;
  state.calls[op] = (state.calls[op] ?? 0) + 1;
  const fail = (err: AwsError) => {
    const body = JSON.stringify({ Type: err.status >= 500 ? 'Service' : 'User', message: err.message });
    if (res.headersSent || res.destroyed) return;
    res.writeHead(err.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': err.code,
    });
    res.end(body);
  };
  const authError = checkSignatureScope(req, state.region, 'lambda');
  if (authError) return fail(new AwsError(authError.code, authError.message, 403));
  const verdict = state.faults.decide(op, () => new AwsError('ServiceException', 'Service unavailable (injected)', 500));
  if (verdict.kind === 'hang') return;
  if (verdict.latencyMs > 0) await new Promise((r) => setTimeout(r, verdict.latencyMs));
  const error = verdict.kind === 'fail' ? verdict.error : state.quotas.admit(op) ? undefined : new AwsError('TooManyRequestsException', 'Rate exceeded', 429);
  if (error) {
    if (error.code === 'ThrottlingException' || error.code === 'TooManyRequestsException') state.throttled[op] = (state.throttled[op] ?? 0) + 1;
    return fail(error);
  }
  try {
    if (res.headersSent || res.destroyed) return;
    if (op === 'Invoke') {
      const status = state.lambda.invoke(route.functionName, String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'), raw);
      res.writeHead(status, { 'content-length': 0, 'x-amzn-requestid': randomUUID() });
      res.end();
      return;
    }
    const body = JSON.stringify(state.lambda.configuration(route.functionName));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
    res.end(body);
  } catch (err) {
    if (err instanceof AwsError) return fail(err);
    throw err;
  }
}

function callHandler<H>(handlers: Record<string, H>, op: string, run: (h: H) => unknown): unknown {
  const handler = Object.prototype.hasOwnProperty.call(handlers, op) ? handlers[op] : undefined;
  if (!handler) throw new AwsError('UnknownOperationException', `Operation ${op} is not emulated.`);
  return run(handler);
}

/**
 * The signature itself is not verified (credentials are fake), but its scope is: a client built
 * for the wrong region or pointed at the wrong service would be rejected by AWS too.
 */
function checkSignatureScope(req: IncomingMessage, region: string, signingName: string): AwsError | undefined {
  const auth = String(req.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  if (!scope) return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (scope[1] !== region) {
    return new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scope[1]}'.`);
  }
  if (scope[2] !== signingName) {
    return new AwsError('InvalidSignatureException', `Credential should be scoped to correct service: '${signingName}'.`);
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, err: AwsError): void {
  send(res, err.status, { __type: err.code, message: err.message });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}
