/** Slack misbehaving (429, 500, hanging connections), and realert suppression accounted hit for hit. */
import { ERROR_RULES, errorLine, MIN, startStatefulStack, T0 } from '../e2e/stateful-stack';
import { seededRandom } from '../support/cloudwatch-logs/faults';
import type { ScriptedResponse } from '../support/slack-receiver';
import { expectExactlyOnce, trackScenarios } from './scenario';

describe('faults: Slack', () => {
  const { run, record } = trackScenarios();
  const scripted = (name: string, seed: number, answers: (k: number) => ScriptedResponse[]) =>
    run({
      name,
      seed,
      groups: 6,
      hits: 30,
      ticks: 5,
      beforeTick: (k, s) => s.stack.slack.respondNext(answers(k)),
    });

  it('rate limited (429 with Retry-After)', async () => {
    const outcome = await scripted('slack 429', 808, () => [{ status: 429, retryAfter: 0 }, { status: 429, retryAfter: 0 }]);
    expectExactlyOnce(outcome);
  });

  it('500s beyond the sender retries', async () => {
    // Three attempts per payload: six 500s fail two payloads in a row, every other tick.
    const outcome = await scripted('slack 500 bursts', 909, (k) => (k % 2 === 0 ? Array(6).fill({ status: 500 }) : []));
    expectExactlyOnce(outcome);
    expect(outcome.figures.maxPending).toBeGreaterThan(0);
  });

  it('hanging connections (no answer, or headers then nothing)', async () => {
    const outcome = await scripted('slack hangs', 1010, (k) =>
      k % 2 === 0 ? [{ hang: true }, { hang: true, afterHeaders: true }, { hang: true }] : [{ hang: true }],
    );
    expectExactlyOnce(outcome);
    expect(outcome.figures.unanswered).toBeGreaterThan(0);
  });

  it('realert: suppressed hits come back as "N more since", every hit accounted once', async () => {
    const s = await startStatefulStack({
      rulesYaml: ERROR_RULES,
      settingsYaml: 'realertMinutes: 12\n',
      handler: { slack: { timeoutMs: 300, maxAttempts: 2, baseDelayMs: 20 } },
    });
    try {
      const random = seededRandom(1111);
      const stream = '2026/11/23/[$LATEST]00cc';
      const times: number[] = [];
      // One fingerprint firing across 12 ticks, with a Slack outage in the middle.
      for (let i = 0; i < 45; i++) times.push(T0 - 5 * MIN + Math.floor(random() * 60 * MIN));
      // A last hit well after the others, so the final suppressed span is posted too.
      times.push(T0 + 80 * MIN);
      s.clock.now = T0 - 5 * MIN;
      s.stack.emulator.seed('/aws/lambda/checkout', stream, times.sort((a, b) => a - b).map((t) => ({ timestamp: t, message: errorLine(t, 'card processor unavailable') })));
      for (let k = 0; k < 20; k++) {
        if (k === 4) s.stack.slack.respondNext([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
        await s.tick(k);
      }
      const posts = s.deliveredPosts().map((p) => p.rawBody);
      const counted = posts.map((b) => Number(/\*Count\* (\d+)/.exec(b)?.[1] ?? 0));
      const more = posts.map((b) => Number(/\*Still happening:\* (\d+) more since/.exec(b)?.[1] ?? 0));
      const accounted = counted.reduce((a, b) => a + b, 0) + more.reduce((a, b) => a + b, 0);
      record({
        scenario: 'realert 12min',
        seeded: times.length,
        delivered: accounted,
        lost: Math.max(0, times.length - accounted),
        duplicates: Math.max(0, accounted - times.length),
        unanswered: 0,
        ticks: 20,
        slackRequests: s.stack.slack.posts.length,
        failuresSeen: 0,
        maxPending: Math.max(...s.summaries.map((x) => x.pending ?? 0)),
        stoppedEarlyRuns: 0,
      });
      expect(accounted).toBe(times.length);
      // Far fewer posts than hits, and every repost says what it stood for.
      expect(posts.length).toBeLessThan(10);
      expect(more.slice(1).every((n) => n > 0)).toBe(true);
      expect(Math.max(...s.summaries.map((x) => x.suppressed ?? 0))).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
