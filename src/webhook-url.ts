import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

let cached: { name: string; url: string } | undefined;

/**
 * The Slack webhook URL is a secret: it lives in an SSM SecureString and is read at run time, so it is
 * never in the template, the environment or a log line. Warm invocations reuse it.
 */
export async function webhookUrlFromSsm(parameterName: string, ssm: SSMClient = new SSMClient({})): Promise<string> {
  if (cached?.name === parameterName) return cached.url;
  const out = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
  const url = out.Parameter?.Value;
  if (!url) throw new Error(`SSM parameter ${parameterName} has no value`);
  cached = { name: parameterName, url };
  return url;
}

export function forgetCachedWebhookUrl(): void {
  cached = undefined;
}
