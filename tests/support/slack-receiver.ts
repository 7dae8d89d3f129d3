/**
 * A stand-in for a Slack incoming webhook (https://hooks.slack.com/services/...). It answers like
 * Slack does: 200 with the plain-text body `ok`, and plain-text error codes with 4xx statuses for
 * payloads Slack rejects, so the alerting code's error handling meets realistic answers.
 */
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SlackPost {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (or the decoded `payload=` form field); undefined if the body did not parse. */
  body: unknown;
  rawBody: string;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** What the receiver answered; undefined while a `hang` response is pending. */
  response?: { status: number; body: string };
}

export type ScriptedResponse =
  | { status: number; body?: string; /** seconds, sent as Retry-After */ retryAfter?: number }
  /** No answer at all; with `afterHeaders`, a 200 status line and one body byte, then nothing (a trickle). */
  | { hang: true; afterHeaders?: boolean };

export interface SlackReceiver {
  /** Webhook URL to configure, e.g. http://127.0.0.1:PORT/services/T000/B000/XXXX */
  url: string;
  posts: SlackPost[];
  /** Queue answers for the next requests, in order; afterwards normal validation resumes. */
  respondNext(responses: ScriptedResponse[]): void;
  /** Resolves once `count` posts have arrived (polling), or rejects after `timeoutMs`. */
  waitForPosts(count: number, timeoutMs?: number): Promise<SlackPost[]>;
  reset(): void;
  close(): Promise<void>;
}

// Slack's documented per-message block cap and section text cap (Block Kit reference).
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
// Header text (plain_text, 150) and context elements (10), also from the Block Kit reference.
const MAX_HEADER_TEXT = 150;
const MAX_CONTEXT_ELEMENTS = 10;

/** Mirrors Slack's webhook answers: invalid_payload, no_text, invalid_blocks (400, text/html body). */
export function validateSlackPayload(body: unknown): { status: number; body: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: 'invalid_payload' };
  const { text, blocks, attachments } = body as Record<string, unknown>;
  if (blocks !== undefined) {
    if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return { status: 400, body: 'invalid_blocks' };
    for (const block of blocks) {
      if (typeof block !== 'object' || block === null || typeof (block as { type?: unknown }).type !== 'string') {
        return { status: 400, body: 'invalid_blocks' };
      }
      const sectionText = (block as { text?: { text?: unknown } }).text?.text;
      if (typeof sectionText === 'string' && sectionText.length > MAX_SECTION_TEXT) {
        return { status: 400, body: 'invalid_blocks' };
      }
      const { type, elements } = block as { type: string; elements?: unknown };
      if (type === 'header' && typeof sectionText === 'string' && sectionText.length > MAX_HEADER_TEXT) {
        return { status: 400, body: 'invalid_blocks' };
      }
      if (type === 'context' && Array.isArray(elements) && elements.length > MAX_CONTEXT_ELEMENTS) {
        return { status: 400, body: 'invalid_blocks' };
      }
    }
  }
  const hasText = typeof text === 'string' && text.trim() !== '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) return { status: 400, body: 'no_text' };
  return { status: 200, body: 'ok' };
}

export async function startSlackReceiver(webhookPath = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'): Promise<SlackReceiver> {
  const posts: SlackPost[] = [];
  let script: ScriptedResponse[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const post: SlackPost = {
        path: req.url ?? '',
        headers: req.headers,
        body: parseBody(rawBody, String(req.headers['content-type'] ?? '')),
        rawBody,
        receivedAt: Date.now(),
      };
      posts.push(post);
      const scripted = script.shift();
      if (scripted && 'hang' in scripted) {
        if (scripted.afterHeaders) {
          res.writeHead(200, { 'content-type': 'text/html', 'content-length': '2' });
          res.write('o');
        }
        return; // socket stays open until the client gives up or close()
      }
      let answer: { status: number; body: string; headers?: Record<string, string> };
      if (scripted) {
        answer = {
          status: scripted.status,
          body: scripted.body ?? defaultBody(scripted.status),
          ...(scripted.retryAfter === undefined ? {} : { headers: { 'retry-after': String(scripted.retryAfter) } }),
        };
      } else if (req.method !== 'POST' || post.path !== webhookPath) {
        answer = { status: 404, body: 'no_service' };
      } else {
        answer = validateSlackPayload(post.body);
      }
      post.response = { status: answer.status, body: answer.body };
      res.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${webhookPath}`,
    posts,
    respondNext(responses) {
      script.push(...responses);
    },
    async waitForPosts(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (posts.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} Slack posts, got ${posts.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return posts.slice(0, count);
    },
    reset() {
      posts.length = 0;
      script = [];
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function parseBody(raw: string, contentType: string): unknown {
  try {
    // Webhooks also accept the legacy form encoding `payload=<json>`.
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      return JSON.parse(new URLSearchParams(raw).get('payload') ?? '');
    }
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function defaultBody(status: number): string {
  if (status === 200) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'rollup_error';
  return 'invalid_payload';
}
