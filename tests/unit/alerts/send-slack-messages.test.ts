import {
  buildSlackMessages,
  deliverSlackMessages,
  sendSlackMessages,
  SlackSendError,
  type RetryNotice,
  type SendOptions,
  type SlackPayload,
} from '../../../src/alerts';
import { startSlackReceiver, type SlackReceiver } from '../../support/slack-receiver';
import { makeAlert, OPTS } from './alert-fixtures';

const SECRET_PATH = '/services/T0SECRET/B0SECRET/sEcReTtOkEn0123456789abc';

/** Options that make retries instant and record the waits asked for. */
function fast(extra: SendOptions = {}): SendOptions & { waits: number[]; retries: RetryNotice[] } {
  const waits: number[] = [];
  const retries: RetryNotice[] = [];
  return {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0,
    onRetry: (r) => retries.push(r),
    ...extra,
    waits,
    retries,
  };
}

describe('deliverSlackMessages / sendSlackMessages', () => {
  let slack: SlackReceiver;
  beforeEach(async () => {
    slack = await startSlackReceiver(SECRET_PATH);
  });
  afterEach(async () => {
    await slack.close();
  });

  const payloads = (n = 20): SlackPayload[] =>
    buildSlackMessages(
      Array.from({ length: n }, (_, i) => makeAlert({ ruleId: `rule-${i}`, count: 100 - i })),
      OPTS,
    );
  const three = (): SlackPayload[] => [1, 2, 3].map((i) => ({ text: `message ${i}`, blocks: [], unfurl_links: false, unfurl_media: false }));
  const statuses = () => slack.posts.map((p) => p.response?.status);

  it('posts each payload once, in order, exactly as built', async () => {
    const built = payloads();
    expect(built.length).toBeGreaterThan(1);
    const report = await deliverSlackMessages(slack.url, built);
    expect(report.failed).toEqual([]);
    expect(report.delivered).toEqual(built.map((_, i) => i));
    expect(report.results.every((r) => r.delivered && r.attempts === 1)).toBe(true);
    expect(slack.posts).toHaveLength(built.length);
    slack.posts.forEach((post, i) => {
      expect(post.path).toBe(SECRET_PATH);
      expect(post.headers['content-type']).toMatch(/^application\/json/);
      expect(post.rawBody).toBe(JSON.stringify(built[i]));
      expect(post.response).toEqual({ status: 200, body: 'ok' });
    });
    await expect(sendSlackMessages(slack.url, built)).resolves.toBeUndefined();
  });

  it('reports a permanent 400 without retrying and still sends the payloads after it', async () => {
    const opts = fast();
    slack.respondNext([{ status: 200 }, { status: 400, body: 'invalid_blocks' }]);
    const report = await deliverSlackMessages(slack.url, three(), opts);
    expect(report.results).toEqual([
      { index: 0, delivered: true, attempts: 1 },
      { index: 1, delivered: false, attempts: 1, status: 400, error: 'rejected with HTTP 400: invalid_blocks', retryable: false },
      { index: 2, delivered: true, attempts: 1 },
    ]);
    expect(report.delivered).toEqual([0, 2]);
    expect(report.failed).toEqual([1]);
    expect(statuses()).toEqual([200, 400, 200]);
    expect(opts.waits).toEqual([]);
    expectNoSecret(report);
  });

  it('sendSlackMessages rejects after trying every payload, with the report and no webhook URL', async () => {
    slack.respondNext([{ status: 200 }, { status: 400, body: 'invalid_blocks' }]);
    const error = await sendSlackMessages(slack.url, three(), fast()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackSendError);
    const sendError = error as SlackSendError;
    expect(sendError.message).toBe('Slack message 2 of 3 rejected with HTTP 400: invalid_blocks');
    expect(sendError.status).toBe(400);
    expect(sendError.sent).toBe(2);
    expect(sendError.report?.failed).toEqual([1]);
    expect(slack.posts).toHaveLength(3);
    expectNoSecret(sendError);
  });

  it.each([
    [404, 'no_service'],
    [403, 'action_prohibited'],
    [410, 'channel_is_archived'],
    [400, 'invalid_payload'],
  ])('does not retry HTTP %i', async (status, body) => {
    const opts = fast();
    slack.respondNext([{ status, body }]);
    const [result] = (await deliverSlackMessages(slack.url, three().slice(0, 1), opts)).results;
    expect(result).toEqual({ index: 0, delivered: false, attempts: 1, status, error: `rejected with HTTP ${status}: ${body}`, retryable: false });
    expect(slack.posts).toHaveLength(1);
    expect(opts.waits).toEqual([]);
  });

  it('retries a 500 and delivers the same payload on the next attempt', async () => {
    const [payload] = three();
    const opts = fast();
    slack.respondNext([{ status: 500 }]);
    const report = await deliverSlackMessages(slack.url, [payload!], opts);
    expect(report.results).toEqual([{ index: 0, delivered: true, attempts: 2 }]);
    expect(statuses()).toEqual([500, 200]);
    expect(slack.posts[1]?.rawBody).toBe(slack.posts[0]?.rawBody);
    expect(opts.waits).toEqual([250]);
    expect(opts.retries).toEqual([{ index: 0, attempt: 1, status: 500, reason: 'rejected with HTTP 500: rollup_error', waitMs: 250 }]);
  });

  it('backs off exponentially with jitter, capped, for a bounded number of attempts, then moves on', async () => {
    const opts = fast({ random: () => 0.5, maxAttempts: 5, baseDelayMs: 400, maxDelayMs: 2000 });
    slack.respondNext([502, 503, 500, 504, 500].map((status) => ({ status })));
    const report = await deliverSlackMessages(slack.url, three().slice(0, 2), opts);
    // cap = min(2000, 400·2^k); wait = cap/2 + 0.5·cap/2
    expect(opts.waits).toEqual([300, 600, 1200, 1500]);
    expect(report.results).toEqual([
      { index: 0, delivered: false, attempts: 5, status: 500, error: 'rejected with HTTP 500: rollup_error (after 5 attempts)', retryable: true },
      { index: 1, delivered: true, attempts: 1 },
    ]);
    expect(statuses()).toEqual([502, 503, 500, 504, 500, 200]);
  });

  it('honours Retry-After on a 429 (real clock, 1 s)', async () => {
    const [payload] = three();
    slack.respondNext([{ status: 429, retryAfter: 1 }]);
    const report = await deliverSlackMessages(slack.url, [payload!], { random: () => 0 });
    expect(report.results).toEqual([{ index: 0, delivered: true, attempts: 2 }]);
    expect(statuses()).toEqual([429, 200]);
    const gap = slack.posts[1]!.receivedAt - slack.posts[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(3000);
  });

  it('waits exactly the Retry-After it is given, and backs off when a 429 has none', async () => {
    const opts = fast();
    slack.respondNext([{ status: 429, retryAfter: 7 }, { status: 429 }]);
    const report = await deliverSlackMessages(slack.url, three().slice(0, 1), opts);
    expect(report.results[0]).toEqual({ index: 0, delivered: true, attempts: 3 });
    expect(opts.waits).toEqual([7000, 500]);
  });

  it('gives up at once on a Retry-After longer than the cap, then tries the next payload', async () => {
    const opts = fast({ maxRetryAfterSeconds: 30 });
    slack.respondNext([{ status: 429, retryAfter: 120 }]);
    const report = await deliverSlackMessages(slack.url, three().slice(0, 2), opts);
    expect(report.results).toEqual([
      {
        index: 0,
        delivered: false,
        attempts: 1,
        status: 429,
        error: 'rejected with HTTP 429: rate_limited (Retry-After 120 s is longer than the 30 s honoured)',
        retryable: true,
      },
      { index: 1, delivered: true, attempts: 1 },
    ]);
    expect(opts.waits).toEqual([]);
  });

  it('gives up on repeated 429s after the attempt limit', async () => {
    const opts = fast({ maxAttempts: 3 });
    slack.respondNext([429, 429, 429].map((status) => ({ status, retryAfter: 0 })));
    const error = (await sendSlackMessages(slack.url, three().slice(0, 1), opts).catch((e: unknown) => e)) as SlackSendError;
    expect(error.status).toBe(429);
    expect(error.message).toBe('Slack message 1 of 1 rejected with HTTP 429: rate_limited (after 3 attempts)');
    expect(slack.posts).toHaveLength(3);
    expect(opts.waits).toEqual([0, 0]);
  });

  it('keeps the old rateLimitRetries option meaning "retries after the first attempt"', async () => {
    slack.respondNext([429, 429, 429].map((status) => ({ status, retryAfter: 0 })));
    const report = await deliverSlackMessages(slack.url, three().slice(0, 1), fast({ rateLimitRetries: 2 }));
    expect(report.results[0]).toMatchObject({ delivered: false, attempts: 3, status: 429 });
  });

  it('times out a hanging webhook and delivers on the retry', async () => {
    const opts = fast({ timeoutMs: 200 });
    slack.respondNext([{ hang: true }]);
    const started = Date.now();
    const report = await deliverSlackMessages(slack.url, three().slice(0, 2), opts);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(report.results).toEqual([
      { index: 0, delivered: true, attempts: 2 },
      { index: 1, delivered: true, attempts: 1 },
    ]);
    expect(slack.posts).toHaveLength(3);
    expect(slack.posts[0]?.response).toBeUndefined();
    expect(opts.retries[0]).toEqual({ index: 0, attempt: 1, reason: 'not delivered: timed out after 200 ms', waitMs: 250 });
  });

  it('cuts off a response that starts and then stalls (a trickle), not just an idle connect', async () => {
    const opts = fast({ timeoutMs: 300, maxAttempts: 1 });
    slack.respondNext([{ hang: true, afterHeaders: true }]);
    const started = Date.now();
    const report = await deliverSlackMessages(slack.url, three().slice(0, 1), opts);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.results).toEqual([
      { index: 0, delivered: false, attempts: 1, error: 'not delivered: timed out after 300 ms', retryable: true },
    ]);
  });

  it('reports a webhook that keeps hanging as timed out, without a status', async () => {
    slack.respondNext([{ hang: true }, { hang: true }]);
    const error = (await sendSlackMessages(slack.url, three().slice(0, 1), fast({ timeoutMs: 150, maxAttempts: 2 })).catch(
      (e: unknown) => e,
    )) as SlackSendError;
    expect(error).toBeInstanceOf(SlackSendError);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('Slack message 1 of 1 not delivered: timed out after 150 ms (after 2 attempts)');
    expectNoSecret(error);
  });

  it('reports an unreachable webhook without its URL, for every payload', async () => {
    const url = slack.url;
    await slack.close();
    const opts = fast({ maxAttempts: 2 });
    const error = (await sendSlackMessages(url, three(), opts).catch((e: unknown) => e)) as SlackSendError;
    expect(error).toBeInstanceOf(SlackSendError);
    expect(error.message).toBe('Slack message 1 of 3 not delivered: ECONNREFUSED (after 2 attempts); 2 more of 3 not delivered');
    expect(error.sent).toBe(0);
    expect(error.report?.failed).toEqual([0, 1, 2]);
    expect(opts.waits).toEqual([250, 250, 250]);
    expectNoSecret(error);
    expectNoSecret(opts.retries);
    slack = await startSlackReceiver(SECRET_PATH); // afterEach closes it
  });

  it('stops starting attempts at the deadline and reports what was left', async () => {
    let now = 1_000;
    const opts = fast({ clock: () => now, deadline: 1_500 });
    opts.sleep = async (ms) => {
      opts.waits.push(ms);
      now += ms;
    };
    slack.respondNext([{ status: 500 }, { status: 500 }]);
    const report = await deliverSlackMessages(slack.url, three(), { ...opts, baseDelayMs: 400 });
    // 500 → wait 200 (now 1200) → 500 → next wait 400 would end at 1600 > deadline.
    expect(report.results).toEqual([
      {
        index: 0,
        delivered: false,
        attempts: 2,
        status: 500,
        error: 'rejected with HTTP 500: rollup_error (no time left before the delivery deadline to retry)',
        retryable: true,
      },
      { index: 1, delivered: true, attempts: 1 },
      { index: 2, delivered: true, attempts: 1 },
    ]);
    now = 2_000;
    const late = await deliverSlackMessages(slack.url, three().slice(0, 1), { ...opts });
    expect(late.results).toEqual([{ index: 0, delivered: false, attempts: 0, error: 'not attempted: delivery deadline reached', retryable: true }]);
    expect(slack.posts).toHaveLength(4);
  });

  it('never logs or returns the webhook URL', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    const out = jest.spyOn(process.stdout, 'write');
    const err = jest.spyOn(process.stderr, 'write');
    try {
      slack.respondNext([{ status: 500, body: `boom ${slack.url}` }, { status: 400, body: `bad ${SECRET_PATH}` }, { hang: true }]);
      const opts = fast({ timeoutMs: 150, maxAttempts: 2 });
      const report = await deliverSlackMessages(slack.url, three(), opts);
      expect(report.results.map((r) => r.delivered)).toEqual([false, true, true]);
      expect(report.results[0]).toMatchObject({ error: 'rejected with HTTP 400: bad [webhook URL] (after 2 attempts)' });
      expect(opts.retries[0]?.reason).toBe('rejected with HTTP 500: boom [webhook URL]');
      expectNoSecret(report);
      expectNoSecret(opts.retries);
      const logged = [...spies, out, err].flatMap((s) => s.mock.calls).map((args) => args.map(String).join(' '));
      expect(logged.filter((line) => line.includes('sEcReTtOkEn'))).toEqual([]);
    } finally {
      [...spies, out, err].forEach((s) => s.mockRestore());
    }
  });

  it('sends nothing for no payloads', async () => {
    expect(await deliverSlackMessages(slack.url, [])).toEqual({ results: [], delivered: [], failed: [] });
    await sendSlackMessages(slack.url, []);
    expect(slack.posts).toHaveLength(0);
  });
});

function expectNoSecret(value: unknown): void {
  const seen =
    value instanceof Error ? JSON.stringify({ ...value, message: value.message, stack: value.stack }) : JSON.stringify(value);
  expect(seen).not.toContain('sEcReTtOkEn');
  expect(seen).not.toContain('T0SECRET');
  if (value instanceof Error) expect(Object.keys(value)).not.toContain('original');
}
