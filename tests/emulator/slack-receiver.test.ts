import { IncomingWebhook } from '@slack/webhook';
import { SlackReceiver, startSlackReceiver } from '../support/slack-receiver';

let slack: SlackReceiver;
beforeAll(async () => {
  slack = await startSlackReceiver();
});
beforeEach(() => slack.reset());
afterAll(() => slack.close());

const statusOf = (e: unknown) => (e as { original?: { response?: { status?: number } } }).original?.response?.status;

test('records a post from @slack/webhook and answers 200 "ok" like Slack', async () => {
  const result = await new IncomingWebhook(slack.url).send({ text: 'hello', blocks: [{ type: 'divider' }] });
  expect(result.text).toBe('ok');
  const [post] = await slack.waitForPosts(1);
  expect(post!.path).toBe(new URL(slack.url).pathname);
  expect(post!.headers['content-type']).toMatch(/^application\/json/);
  // @slack/webhook 7.2 also posts its `timeout` default as a payload field; Slack ignores unknown fields.
  expect(post!.body).toMatchObject({ text: 'hello', blocks: [{ type: 'divider' }] });
  expect(post!.response).toEqual({ status: 200, body: 'ok' });
  expect(post!.receivedAt).toBeLessThanOrEqual(Date.now());
});

test('rejects payloads Slack rejects: no text, more than 50 blocks, malformed blocks', async () => {
  const hook = new IncomingWebhook(slack.url);
  const failures = [
    await hook.send({}).catch((e: unknown) => e),
    await hook.send({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }).catch((e: unknown) => e),
    await hook.send({ text: 'x', blocks: [{ text: 'no type' }] as never }).catch((e: unknown) => e),
  ];
  expect(failures.map(statusOf)).toEqual([400, 400, 400]);
  expect(slack.posts.map((p) => p.response?.body)).toEqual(['no_text', 'invalid_blocks', 'invalid_blocks']);
  await expect(hook.send({ blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) })).resolves.toEqual({ text: 'ok' });
});

test('scripted answers: 429 with Retry-After, 500, then back to normal', async () => {
  slack.respondNext([{ status: 429, retryAfter: 1 }, { status: 500 }]);
  const hook = new IncomingWebhook(slack.url);
  const limited = await hook.send('a').catch((e: unknown) => e);
  expect(statusOf(limited)).toBe(429);
  expect((limited as { original: { response: { headers: Record<string, string> } } }).original.response.headers['retry-after']).toBe('1');
  expect(statusOf(await hook.send('b').catch((e: unknown) => e))).toBe(500);
  await expect(hook.send('c')).resolves.toEqual({ text: 'ok' });
  expect(slack.posts.map((p) => (p.body as { text: string }).text)).toEqual(['a', 'b', 'c']);
});

test('a hang holds the request until the client times out; the post is still recorded', async () => {
  slack.respondNext([{ hang: true }]);
  await expect(new IncomingWebhook(slack.url, { timeout: 200 }).send('stuck')).rejects.toBeDefined();
  expect(slack.posts).toHaveLength(1);
  expect(slack.posts[0]!.response).toBeUndefined();
});

test('other paths answer 404 no_service, as a revoked webhook does', async () => {
  const res = await fetch(new URL('/services/T/B/revoked', slack.url), { method: 'POST', body: '{"text":"x"}' });
  expect(res.status).toBe(404);
  expect(await res.text()).toBe('no_service');
});
