import { AwsError } from './errors';
import { Body, optBool, optString, reqString } from './validate';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

interface Parameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModified: number;
}

/** Just enough of SSM Parameter Store for the Lambda to fetch its Slack webhook URL. */
export class ParameterStore {
  private readonly params = new Map<string, Parameter>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  put(name: string, value: string, type: ParameterType = 'SecureString', overwrite = true): number {
    const existing = this.params.get(name);
    if (existing && !overwrite) {
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const version = (existing?.version ?? 0) + 1;
    this.params.set(name, { name, type: existing?.type ?? type, value, version, lastModified: Date.now() });
    return version;
  }

  get(name: string): Parameter | undefined {
    return this.params.get(name);
  }

  arn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  clear(): void {
    this.params.clear();
  }
}

const PARAMETER_NAME = { max: 2048 };

export const ssmHandlers: Record<string, (body: Body, store: ParameterStore) => unknown> = {
  GetParameter(body, store) {
    const name = reqString(body, 'Name', PARAMETER_NAME);
    const withDecryption = optBool(body, 'WithDecryption') ?? false;
    const param = store.get(name);
    if (!param) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
    // Without decryption AWS hands back the KMS ciphertext, so a forgotten WithDecryption must not "work".
    const value =
      param.type === 'SecureString' && !withDecryption
        ? `AQICAH${Buffer.from(`kms:${param.value}`).toString('base64')}`
        : param.value;
    return {
      Parameter: {
        Name: param.name,
        Type: param.type,
        Value: value,
        Version: param.version,
        LastModifiedDate: param.lastModified / 1000, // JSON protocol timestamps are epoch seconds
        ARN: store.arn(param.name),
        DataType: 'text',
      },
    };
  },

  PutParameter(body, store) {
    const name = reqString(body, 'Name', PARAMETER_NAME);
    const value = reqString(body, 'Value', { min: 0, max: 4096 });
    const type = optString(body, 'Type') as ParameterType | undefined;
    if (type !== undefined && !['String', 'StringList', 'SecureString'].includes(type)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    }
    if (type === undefined && !store.get(name)) {
      throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.');
    }
    const version = store.put(name, value, type, optBool(body, 'Overwrite') ?? false);
    return { Version: version, Tier: 'Standard' };
  },
};
