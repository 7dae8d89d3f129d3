import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  cloudWatchLogsClientFor,
  Emulator,
  FAKE_CREDENTIALS,
  ssmClientFor,
  startCloudWatchLogsEmulator,
} from '../support/cloudwatch-logs-emulator';

let emulator: Emulator;
let ssm: SSMClient;
beforeAll(async () => {
  emulator = await startCloudWatchLogsEmulator({ region: 'eu-west-1' });
  ssm = ssmClientFor(emulator, { maxAttempts: 1 });
});
afterAll(async () => {
  ssm.destroy();
  await emulator.close();
});

describe('SSM Parameter Store', () => {
  test('PutParameter then GetParameter WithDecryption round-trips a SecureString', async () => {
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/alerts/slack-webhook', Value: 'https://hooks.example/T/B/X', Type: 'SecureString' }),
    );
    expect(put.Version).toBe(1);
    const out = await ssm.send(new GetParameterCommand({ Name: '/alerts/slack-webhook', WithDecryption: true }));
    expect(out.Parameter).toEqual(
      expect.objectContaining({
        Name: '/alerts/slack-webhook',
        Type: 'SecureString',
        Value: 'https://hooks.example/T/B/X',
        Version: 1,
        ARN: `arn:aws:ssm:eu-west-1:${emulator.accountId}:parameter/alerts/slack-webhook`,
      }),
    );
    expect(out.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
  });

  test('without WithDecryption a SecureString comes back as ciphertext, not the secret', async () => {
    emulator.putParameter('/alerts/secret', 'plain-secret');
    const out = await ssm.send(new GetParameterCommand({ Name: '/alerts/secret' }));
    expect(out.Parameter?.Value).not.toContain('plain-secret');
  });

  test('missing parameters raise ParameterNotFound; existing ones need Overwrite', async () => {
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope', WithDecryption: true }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
    emulator.putParameter('/alerts/once', 'v1');
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/alerts/once', Value: 'v2', Type: 'SecureString' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    const put = await ssm.send(new PutParameterCommand({ Name: '/alerts/once', Value: 'v2', Overwrite: true }));
    expect(put.Version).toBe(2);
  });

  test('SSM operations are counted and faultable like the logs operations', async () => {
    emulator.putParameter('/alerts/counted', 'x');
    const before = emulator.calls.GetParameter ?? 0;
    emulator.faults.set('GetParameter', { errorNext: 1 });
    const retrying = ssmClientFor(emulator, { maxAttempts: 2 });
    const out = await retrying.send(new GetParameterCommand({ Name: '/alerts/counted', WithDecryption: true }));
    retrying.destroy();
    expect(out.Parameter?.Value).toBe('x');
    expect(emulator.calls.GetParameter).toBe(before + 2);
  });
});

describe('wire protocol', () => {
  const post = (target: string, body: string, headers: Record<string, string> = {}) =>
    fetch(emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': target,
        authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.accessKeyId}/20250101/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=0`,
        ...headers,
      },
      body,
    });

  test('answers with application/x-amz-json-1.1 and errors as {"__type","message"}', async () => {
    const ok = await post('Logs_20140328.DescribeLogGroups', '{}');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(ok.headers.get('x-amzn-requestid')).toEqual(expect.any(String));

    const missing = await post('Logs_20140328.FilterLogEvents', '{"logGroupName":"/none"}');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });

    expect((await post('Logs_20140328.Nope', '{}')).status).toBe(400);
    expect(await (await post('Logs_20140328.DescribeLogGroups', '{not json')).json()).toEqual(
      expect.objectContaining({ __type: 'SerializationException' }),
    );
  });

  test('rejects unsigned requests and requests signed for another region', async () => {
    const unsigned = await post('Logs_20140328.DescribeLogGroups', '{}', { authorization: '' });
    expect(await unsigned.json()).toEqual(expect.objectContaining({ __type: 'MissingAuthenticationTokenException' }));

    const wrongRegion = new CloudWatchLogsClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(wrongRegion.send(new DescribeLogGroupsCommand({}))).rejects.toThrow('Credential should be scoped to a valid region');
    wrongRegion.destroy();
    const right = cloudWatchLogsClientFor(emulator);
    await expect(right.send(new DescribeLogGroupsCommand({}))).resolves.toBeDefined();
    right.destroy();
  });
});
