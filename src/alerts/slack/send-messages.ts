import { IncomingWebhook } from '@slack/webhook';
import type { SlackPayload } from './types';

/** Why a post failed, without the webhook URL: that URL is the credential. */
export class SlackSendError extends Error {
  override name = 'SlackSendError';
  constructor(
    message: string,
    /** HTTP status Slack answered with; undefined when no response arrived. */
    readonly status: number | undefined,
    /** Payloads delivered before this one failed; the rest were not attempted. */
    readonly sent: number,
  ) {
    super(message);
  }
}

export interface SendOptions {
  /** Per-request timeout; the client's default is none, which a Lambda cannot afford. */
  timeoutMs?: number;
  /** How often a 429 is retried after its Retry-After. */
  rateLimitRetries?: number;
  /** Longest Retry-After honoured, in seconds. */
  maxRetryAfterSeconds?: number;
}

interface WebhookFailure {
  code?: string;
  message?: string;
  original?: { code?: string; message?: string; response?: { status?: number; data?: unknown; headers?: Record<string, unknown> } };
}

/** Posts the payloads one at a time, in order, stopping at the first failure. */
export async function sendSlackMessages(
  webhookUrl: string,
  payloads: SlackPayload[],
  options: SendOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, rateLimitRetries = 2, maxRetryAfterSeconds = 30 } = options;
  const webhook = new IncomingWebhook(webhookUrl, { timeout: timeoutMs });
  for (const [index, payload] of payloads.entries()) {
    for (let attempt = 0; ; attempt++) {
      try {
        // The client copies its `timeout` default into the posted JSON; an explicit undefined keeps
        // the body to exactly our payload while the HTTP client still applies the timeout.
        await webhook.send({ ...payload, timeout: undefined });
        break;
      } catch (error) {
        const failure = error as WebhookFailure;
        const response = failure.original?.response;
        const retryAfter = Number(response?.headers?.['retry-after'] ?? 1);
        // Webhooks allow about one message a second; a burst of parts can hit that.
        if (response?.status === 429 && attempt < rateLimitRetries && retryAfter <= maxRetryAfterSeconds) {
          await sleep(Math.max(0, retryAfter) * 1000);
          continue;
        }
        throw toSendError(failure, webhookUrl, index, payloads.length);
      }
    }
  }
}

function toSendError(failure: WebhookFailure, webhookUrl: string, index: number, total: number): SlackSendError {
  const which = `Slack message ${index + 1} of ${total}`;
  const response = failure.original?.response;
  if (response?.status !== undefined) {
    const body = typeof response.data === 'string' ? `: ${redact(response.data, webhookUrl).slice(0, 200)}` : '';
    return new SlackSendError(`${which} rejected with HTTP ${response.status}${body}`, response.status, index);
  }
  // Prefer the error code: messages of the underlying HTTP client may quote the URL.
  const reason = failure.original?.code ?? redact(failure.original?.message ?? failure.message ?? 'unknown error', webhookUrl);
  return new SlackSendError(`${which} not delivered: ${reason}`, undefined, index);
}

function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[webhook URL]') : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
