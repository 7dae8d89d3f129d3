import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/** Webhook URL per SSM parameter name (channels.yml may name several), for the container's life. */
const cached = new Map<string, string>();

/**
 * The Slack webhook URL is a secret: it lives in an SSM SecureString and is read at run time, so it is
 * never in the template, the environment or a log line. Warm invocations reuse it, per parameter name.
 */
export async function webhookUrlFromSsm(parameterName: string, ssm: SSMClient = new SSMClient({})): Promise<string> {
  const hit = cached.get(parameterName);
  if (hit !== undefined) return hit;
  const out = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
  const url = out.Parameter?.Value;
  if (!url) throw new Error(`SSM parameter ${parameterName} has no value`);
  cached.set(parameterName, url);
  return url;
}

export function forgetCachedWebhookUrl(): void {
  cached.clear();
}
