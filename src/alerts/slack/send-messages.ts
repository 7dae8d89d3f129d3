import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IncomingWebhook } from '@slack/webhook';
import type { SlackPayload } from './types';

/** Why a post failed, without the webhook URL: that URL is the credential. */
export class SlackSendError extends Error {
  override name = 'SlackSendError';
  constructor(
    message: string,
    /** HTTP status of the first failed payload; undefined when no response arrived. */
    readonly status: number | undefined,
    /** Payloads delivered. Every payload was attempted; `report` says which ones failed. */
    readonly sent: number,
    /** Per-payload outcome, in payload order. */
    readonly report?: SlackDeliveryReport,
  ) {
    super(message);
  }
}

export interface SendOptions {
  /**
   * Hard limit on one attempt (connect, upload, response), in ms; default 10 000. A webhook that
   * hangs or trickles is cut off and the attempt counts as a timeout.
   */
  timeoutMs?: number;
  /** Attempts per payload, the first included; default 4. */
  maxAttempts?: number;
  /** @deprecated Use `maxAttempts`; when given alone, `maxAttempts` is `rateLimitRetries + 1`. */
  rateLimitRetries?: number;
  /** Longest Retry-After honoured, in seconds (default 30); a 429 asking for longer fails the payload at once. */
  maxRetryAfterSeconds?: number;
  /** First backoff after a 5xx or a network error, in ms; doubled per retry, with jitter. Default 500. */
  baseDelayMs?: number;
  /** Longest single backoff, in ms; default 8 000. */
  maxDelayMs?: number;
  /**
   * Time (ms since the epoch, as `clock` reads it) after which no attempt starts and no wait
   * begins, e.g. the Lambda's end minus a margin. Payloads left are reported as not delivered.
   */
  deadline?: number;
  /** Told about each retry before its wait; it is never given the webhook URL. */
  onRetry?: (retry: RetryNotice) => void;
  /** Seams for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: () => number;
}

export interface RetryNotice {
  /** Index of the payload in the `payloads` array. */
  index: number;
  /** The attempt that failed (1-based). */
  attempt: number;
  status?: number;
  reason: string;
  waitMs: number;
}

export type PayloadDelivery =
  | { index: number; delivered: true; attempts: number }
  | {
      index: number;
      delivered: false;
      /** Requests made; 0 when the deadline had passed before the first. */
      attempts: number;
      /** HTTP status of the last answer; undefined when none arrived. */
      status?: number;
      /** Why, without the webhook URL: `rejected with HTTP 400: invalid_blocks`, `not delivered: ECONNREFUSED`, … */
      error: string;
      /** Whether sending it again later may succeed (429, 5xx, timeouts, network errors, deadline). */
      retryable: boolean;
    };

export interface SlackDeliveryReport {
  /** One entry per payload, in payload order. */
  results: PayloadDelivery[];
  /** Indexes of the payloads delivered. */
  delivered: number[];
  /** Indexes of the payloads not delivered. */
  failed: number[];
}

interface WebhookFailure {
  code?: string;
  message?: string;
  original?: { code?: string; message?: string; response?: { status?: number; data?: unknown; headers?: Record<string, unknown> } };
}

type Attempt =
  | { ok: true }
  | { ok: false; status?: number; error: string; retryable: boolean; retryAfterMs?: number };

const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 4, maxRetryAfterSeconds: 30, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Posts the payloads one at a time, in order. Each is retried on 429 (after its Retry-After),
 * 5xx, timeouts and network errors with exponential backoff and jitter, a bounded number of
 * times; a payload that still fails does not stop the next one. Never throws for a delivery
 * failure: the report says what happened to each payload.
 */
export async function deliverSlackMessages(
  webhookUrl: string,
  payloads: SlackPayload[],
  options: SendOptions = {},
): Promise<SlackDeliveryReport> {
  const timeoutMs = positive(options.timeoutMs, DEFAULTS.timeoutMs);
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? (options.rateLimitRetries ?? DEFAULTS.maxAttempts - 1) + 1));
  const maxRetryAfterMs = (options.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds) * 1000;
  const baseDelayMs = Math.max(0, options.baseDelayMs ?? DEFAULTS.baseDelayMs);
  const maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULTS.maxDelayMs);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const deadline = options.deadline ?? Infinity;
  const transport = new Transport(webhookUrl);

  const results: PayloadDelivery[] = [];
  try {
    for (const [index, payload] of payloads.entries()) {
      let attempts = 0;
      let last: Attempt | undefined;
      for (;;) {
        const left = deadline - clock();
        if (left <= 0) {
          results.push(
            last && !last.ok
              ? failure(index, attempts, last, ' (delivery deadline reached)')
              : { index, delivered: false, attempts, error: 'not attempted: delivery deadline reached', retryable: true },
          );
          break;
        }
        attempts++;
        last = await transport.post(payload, Math.min(timeoutMs, left));
        if (last.ok) {
          results.push({ index, delivered: true, attempts });
          break;
        }
        if (!last.retryable || attempts >= maxAttempts) {
          results.push(failure(index, attempts, last, attempts > 1 ? ` (after ${attempts} attempts)` : ''));
          break;
        }
        let waitMs: number;
        if (last.retryAfterMs !== undefined) {
          if (last.retryAfterMs > maxRetryAfterMs) {
            const asked = Math.ceil(last.retryAfterMs / 1000);
            results.push(failure(index, attempts, last, ` (Retry-After ${asked} s is longer than the ${maxRetryAfterMs / 1000} s honoured)`));
            break;
          }
          // Retry-After is a minimum; a little jitter keeps parallel senders apart.
          waitMs = last.retryAfterMs + random() * Math.min(baseDelayMs, 1000);
        } else {
          // Exponential backoff with "equal jitter": half fixed, half random.
          const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
          waitMs = cap / 2 + random() * (cap / 2);
        }
        waitMs = Math.round(waitMs);
        if (clock() + waitMs >= deadline) {
          results.push(failure(index, attempts, last, ' (no time left before the delivery deadline to retry)'));
          break;
        }
        options.onRetry?.({ index, attempt: attempts, status: last.status, reason: last.error, waitMs });
        await sleep(waitMs);
      }
    }
  } finally {
    transport.close();
  }
  return {
    results,
    delivered: results.filter((r) => r.delivered).map((r) => r.index),
    failed: results.filter((r) => !r.delivered).map((r) => r.index),
  };
}

/**
 * `deliverSlackMessages` for callers that only await: resolves when every payload was delivered,
 * otherwise rejects with a `SlackSendError` (after attempting all of them) carrying the report.
 */
export async function sendSlackMessages(webhookUrl: string, payloads: SlackPayload[], options: SendOptions = {}): Promise<void> {
  const report = await deliverSlackMessages(webhookUrl, payloads, options);
  const failures = report.results.filter((r): r is Extract<PayloadDelivery, { delivered: false }> => !r.delivered);
  const [first] = failures;
  if (!first) return;
  const more = failures.length > 1 ? `; ${failures.length - 1} more of ${payloads.length} not delivered` : '';
  throw new SlackSendError(
    `Slack message ${first.index + 1} of ${payloads.length} ${first.error}${more}`,
    first.status,
    report.delivered.length,
    report,
  );
}

function failure(index: number, attempts: number, attempt: Attempt & { ok: false }, note: string): PayloadDelivery {
  return {
    index,
    delivered: false,
    attempts,
    ...(attempt.status === undefined ? {} : { status: attempt.status }),
    error: `${attempt.error}${note}`,
    retryable: attempt.retryable,
  };
}

/** One webhook client over a connection pool that a timed-out request can be torn down with. */
class Transport {
  private agent: HttpAgent | undefined;
  private webhook: IncomingWebhook | undefined;
  private readonly secrets: string[];

  constructor(private readonly url: string) {
    let path = '';
    try {
      path = new URL(url).pathname;
    } catch {
      // An unparsable URL fails on the first post; only the whole string is scrubbed then.
    }
    this.secrets = [url, ...(path.length > 1 ? [path] : [])].filter((s) => s.length > 0);
  }

  async post(payload: SlackPayload, timeoutMs: number): Promise<Attempt> {
    const webhook = this.client(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    // The client's own timeout only covers an idle socket; this one bounds the whole request.
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.reset();
        resolve('timeout');
      }, timeoutMs);
    });
    // The client copies its `timeout` default into the posted JSON; an explicit undefined keeps
    // the body to exactly our payload while the HTTP client still applies the timeout.
    const sent = webhook.send({ ...payload, timeout: undefined }).then(
      () => 'ok' as const,
      (error: unknown) => error as WebhookFailure,
    );
    try {
      const outcome = await Promise.race([sent, expired]);
      if (outcome === 'ok') return { ok: true };
      if (outcome === 'timeout' || timedOut) return this.timeout(timeoutMs);
      return this.classify(outcome, timeoutMs);
    } catch (error) {
      // IncomingWebhook throws synchronously-ish for a malformed URL; never retried.
      return { ok: false, error: `not delivered: ${this.scrub(String((error as Error)?.message ?? error))}`, retryable: false };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.reset();
  }

  private client(timeoutMs: number): IncomingWebhook {
    if (!this.agent) {
      this.agent = this.url.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
      this.webhook = undefined;
    }
    // A new client per attempt is cheap; the agent (and its connections) is what is shared.
    this.webhook = new IncomingWebhook(this.url, { timeout: timeoutMs, agent: this.agent });
    return this.webhook;
  }

  /** Drops every connection: a timed-out request is aborted, and nothing keeps the process alive. */
  private reset(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.webhook = undefined;
  }

  private timeout(timeoutMs: number): Attempt {
    return { ok: false, error: `not delivered: timed out after ${timeoutMs} ms`, retryable: true };
  }

  private classify(failure: WebhookFailure, timeoutMs: number): Attempt {
    const response = failure.original?.response;
    const status = response?.status;
    if (status !== undefined) {
      const body = typeof response?.data === 'string' && response.data ? `: ${this.scrub(response.data).slice(0, 200)}` : '';
      const error = `rejected with HTTP ${status}${body}`;
      if (status === 429) return { ok: false, status, error, retryable: true, retryAfterMs: retryAfterMs(response?.headers?.['retry-after']) };
      return { ok: false, status, error, retryable: status >= 500 };
    }
    const code = failure.original?.code;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return this.timeout(timeoutMs);
    if (failure.code === 'slack_webhook_request_error' || failure.original !== undefined) {
      // Prefer the error code: messages of the underlying HTTP client may quote the URL.
      const reason = code ?? this.scrub(failure.original?.message ?? failure.message ?? 'unknown error');
      return { ok: false, error: `not delivered: ${reason}`, retryable: true };
    }
    return { ok: false, error: `not delivered: ${this.scrub(failure.message ?? 'unknown error')}`, retryable: false };
  }

  private scrub(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('[webhook URL]'), text);
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: unknown): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
