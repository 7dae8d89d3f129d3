import { AwsError } from './errors';

/**
 * Just enough of the Lambda API for the scanner's `lambda:GetFunctionConfiguration` and the fan-out
 * coordinator's asynchronous `lambda:InvokeFunction`. Lambda speaks REST-JSON,
 * not JSON 1.1: the operation is the method + path, and an error names its type in the `x-amzn-errortype`
 * header (the body carries `Type` and `message`), which is what the SDK reads.
 */
export interface FunctionSpec {
  /** Seconds (Lambda's default 3). */
  timeout?: number;
  /** MB (Lambda's default 128). */
  memorySize?: number;
  runtime?: string;
  /** The scanner's role may not read this one: 403 AccessDeniedException, as IAM answers. */
  accessDenied?: boolean;
}

interface StoredFunction {
  name: string;
  timeout: number;
  memorySize: number;
  runtime: string;
  accessDenied: boolean;
  lastModified: string;
}

/** An accepted asynchronous invocation: the emulator runs no code, it queues the event for the test to run. */
export interface QueuedInvocation {
  functionName: string;
  payload: string;
}

export class FunctionStore {
  private readonly functions = new Map<string, StoredFunction>();
  readonly invocations: QueuedInvocation[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  put(name: string, spec: FunctionSpec = {}): void {
    this.functions.set(name, {
      name,
      timeout: spec.timeout ?? 3,
      memorySize: spec.memorySize ?? 128,
      runtime: spec.runtime ?? 'nodejs22.x',
      accessDenied: spec.accessDenied ?? false,
      lastModified: new Date().toISOString().replace('Z', '+0000'),
    });
  }

  delete(name: string): void {
    this.functions.delete(name);
  }

  arn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /** FunctionName may be a name, a full ARN or a partial ARN (`<account>:function:<name>`); qualifiers are not emulated. */
  private find(functionName: string, action: string): StoredFunction {
    const name = /(?:^|:)function:([^:]+)$/.exec(functionName)?.[1] ?? functionName;
    const fn = this.functions.get(name);
    if (fn?.accessDenied) {
      throw new AwsError(
        'AccessDeniedException',
        `User: arn:aws:sts::${this.accountId}:assumed-role/scanner/scan is not authorized to perform: lambda:${action} on resource: ${this.arn(name)} because no identity-based policy allows the lambda:${action} action`,
        403,
      );
    }
    if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${this.arn(name)}`, 404);
    return fn;
  }

  /**
   * Invoke with X-Amz-Invocation-Type `Event` queues the payload (202, empty body) and `DryRun` only checks
   * (204). `RequestResponse` (the API's default) would need the function's code: refused here, so a caller
   * that forgets to ask for an asynchronous invocation fails loudly instead of waiting on its workers.
   */
  invoke(functionName: string, invocationType: string, payload: string): number {
    const fn = this.find(functionName, 'InvokeFunction');
    if (payload !== '') {
      try {
        JSON.parse(payload);
      } catch {
        throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
      }
    }
    if (invocationType === 'DryRun') return 204;
    if (invocationType !== 'Event') {
      throw new AwsError('InvalidParameterValueException', `The emulator queues Event invocations only, got ${invocationType}`, 400);
    }
    this.invocations.push({ functionName: fn.name, payload });
    return 202;
  }

  configuration(functionName: string): Record<string, unknown> {
    const fn = this.find(functionName, 'GetFunctionConfiguration');
    return {
      FunctionName: fn.name,
      FunctionArn: this.arn(fn.name),
      Runtime: fn.runtime,
      Role: `arn:aws:iam::${this.accountId}:role/${fn.name}-role`,
      Handler: 'index.handler',
      CodeSize: 1024,
      Description: '',
      Timeout: fn.timeout,
      MemorySize: fn.memorySize,
      LastModified: fn.lastModified,
      CodeSha256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      Version: '$LATEST',
      TracingConfig: { Mode: 'PassThrough' },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['arm64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
  }

  clear(): void {
    this.functions.clear();
    this.invocations.length = 0;
  }
}

export type LambdaRoute = { op: 'GetFunctionConfiguration' | 'Invoke'; functionName: string };

/**
 * `GET /2015-03-31/functions/{FunctionName}/configuration` and `POST /2015-03-31/functions/{FunctionName}/invocations`
 * → the operation and its FunctionName, or undefined.
 */
export function lambdaRoute(method: string | undefined, url: string | undefined): LambdaRoute | undefined {
  const path = (url ?? '').split('?')[0] ?? '';
  const m = /^\/2015-03-31\/functions\/([^/]+)\/(configuration|invocations)\/?$/.exec(path);
  if (!m) return undefined;
  const functionName = decodeURIComponent(m[1]!);
  if (m[2] === 'configuration' && method === 'GET') return { op: 'GetFunctionConfiguration', functionName };
  if (m[2] === 'invocations' && method === 'POST') return { op: 'Invoke', functionName };
  return undefined;
}
