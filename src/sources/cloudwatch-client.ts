import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/**
 * The scanner's CloudWatch Logs client: adaptive retry backs off when the account's read quota is hit,
 * and a per-attempt timeout that actually throws (this SDK only warns by default) keeps one hung call
 * from eating the whole Lambda run.
 */
export function createLogsClient(region: string, opts: { requestTimeoutMs?: number; maxAttempts?: number } = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region,
    retryMode: 'adaptive',
    maxAttempts: opts.maxAttempts ?? 8,
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? 15_000, throwOnRequestTimeout: true },
  });
}
