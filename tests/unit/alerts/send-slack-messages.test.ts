import { buildSlackMessages, sendSlackMessages, SlackSendError } from '../../../src/alerts';
import { startSlackReceiver, type SlackReceiver } from '../../support/slack-receiver';
import { makeAlert, OPTS } from './alert-fixtures';

const SECRET_PATH = '/services/T0SECRET/B0SECRET/sEcReTtOkEn0123456789abc';

describe('sendSlackMessages', () => {
  let slack: SlackReceiver;
  beforeEach(async () => {
    slack = await startSlackReceiver(SECRET_PATH);
  });
  afterEach(async () => {
    await slack.close();
  });

  const payloads = () =>
    buildSlackMessages(
      Array.from({ length: 20 }, (_, i) => makeAlert({ ruleId: `rule-${i}`, count: 100 - i })),
      OPTS,
    );

  it('posts each payload once, in order, exactly as built', async () => {
    const built = payloads();
    expect(built.length).toBeGreaterThan(1);
    await sendSlackMessages(slack.url, built);
    expect(slack.posts).toHaveLength(built.length);
    slack.posts.forEach((post, i) => {
      expect(post.path).toBe(SECRET_PATH);
      expect(post.headers['content-type']).toMatch(/^application\/json/);
      expect(post.rawBody).toBe(JSON.stringify(built[i]));
      expect(post.response).toEqual({ status: 200, body: 'ok' });
    });
  });

  it('stops at the first rejection and reports the status without the webhook URL', async () => {
    const built = payloads();
    slack.respondNext([{ status: 200 }, { status: 400, body: 'invalid_blocks' }]);
    const error = await sendSlackMessages(slack.url, built).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackSendError);
    const sendError = error as SlackSendError;
    expect(sendError.status).toBe(400);
    expect(sendError.sent).toBe(1);
    expect(sendError.message).toBe(`Slack message 2 of ${built.length} rejected with HTTP 400: invalid_blocks`);
    expect(slack.posts).toHaveLength(2);
    expectNoSecret(sendError);
  });

  it.each([
    [404, 'no_service'],
    [403, 'action_prohibited'],
    [410, 'channel_is_archived'],
    [500, 'rollup_error'],
  ])('surfaces HTTP %i', async (status, body) => {
    slack.respondNext([{ status, body }]);
    const error = (await sendSlackMessages(slack.url, payloads()).catch((e: unknown) => e)) as SlackSendError;
    expect(error.status).toBe(status);
    expect(error.message).toContain(`HTTP ${status}: ${body}`);
    expect(error.sent).toBe(0);
    expectNoSecret(error);
  });

  it('waits out a 429 and retries the same payload', async () => {
    const [first] = payloads();
    slack.respondNext([{ status: 429, retryAfter: 0 }]);
    await sendSlackMessages(slack.url, [first!]);
    expect(slack.posts.map((p) => p.response?.status)).toEqual([429, 200]);
    expect(slack.posts[1]?.rawBody).toBe(JSON.stringify(first));
  });

  it('gives up on repeated 429s', async () => {
    slack.respondNext([429, 429, 429].map((status) => ({ status, retryAfter: 0 })));
    const error = (await sendSlackMessages(slack.url, payloads(), { rateLimitRetries: 2 }).catch((e: unknown) => e)) as SlackSendError;
    expect(error.status).toBe(429);
    expect(slack.posts).toHaveLength(3);
  });

  it('times out a hanging webhook', async () => {
    slack.respondNext([{ hang: true }]);
    const error = (await sendSlackMessages(slack.url, payloads(), { timeoutMs: 200 }).catch((e: unknown) => e)) as SlackSendError;
    expect(error).toBeInstanceOf(SlackSendError);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^Slack message 1 of \d+ not delivered: /);
    expectNoSecret(error);
  });

  it('reports an unreachable webhook without its URL', async () => {
    const url = slack.url;
    await slack.close();
    const error = (await sendSlackMessages(url, payloads()).catch((e: unknown) => e)) as SlackSendError;
    expect(error).toBeInstanceOf(SlackSendError);
    expect(error.message).toMatch(/not delivered: ECONNREFUSED$/);
    expectNoSecret(error);
    slack = await startSlackReceiver(SECRET_PATH); // afterEach closes it
  });

  it('sends nothing for no payloads', async () => {
    await sendSlackMessages(slack.url, []);
    expect(slack.posts).toHaveLength(0);
  });
});

function expectNoSecret(error: unknown): void {
  const e = error as Error & Record<string, unknown>;
  const seen = JSON.stringify({ ...e, message: e.message, stack: e.stack });
  expect(seen).not.toContain('sEcReTtOkEn');
  expect(Object.keys(e)).not.toContain('original');
}
