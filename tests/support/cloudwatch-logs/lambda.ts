import { AwsError } from './errors';

/**
 * Just enough of the Lambda API for the scanner's `lambda:GetFunctionConfiguration`. Lambda speaks REST-JSON,
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

export class FunctionStore {
  private readonly functions = new Map<string, StoredFunction>();

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
  configuration(functionName: string): Record<string, unknown> {
    const name = /(?:^|:)function:([^:]+)$/.exec(functionName)?.[1] ?? functionName;
    const fn = this.functions.get(name);
    if (fn?.accessDenied) {
      throw new AwsError(
        'AccessDeniedException',
        `User: arn:aws:sts::${this.accountId}:assumed-role/scanner/scan is not authorized to perform: lambda:GetFunctionConfiguration on resource: ${this.arn(name)} because no identity-based policy allows the lambda:GetFunctionConfiguration action`,
        403,
      );
    }
    if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${this.arn(name)}`, 404);
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
  }
}

/** `GET /2015-03-31/functions/{FunctionName}/configuration` → the operation and its FunctionName, or undefined. */
export function lambdaRoute(method: string | undefined, url: string | undefined): { op: 'GetFunctionConfiguration'; functionName: string } | undefined {
  const path = (url ?? '').split('?')[0] ?? '';
  const m = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/.exec(path);
  if (!m || method !== 'GET') return undefined;
  return { op: 'GetFunctionConfiguration', functionName: decodeURIComponent(m[1]!) };
}
