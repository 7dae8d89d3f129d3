import { createHmac, randomBytes } from 'node:crypto';
import { invalidParameter } from './errors';

/**
 * Pagination tokens are HMAC-signed so a test that builds, edits or reuses a token across
 * operations fails the way AWS fails ("The specified nextToken is invalid."), instead of the
 * emulator quietly honouring a cursor AWS never issued.
 */
export class TokenCodec {
  private readonly secret: Buffer;

  constructor(secretSeed?: number) {
    this.secret = secretSeed === undefined ? randomBytes(32) : Buffer.from(`cwl-emulator-${secretSeed}`);
  }

  encode(scope: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ s: scope, p: position })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the position, or throws InvalidParameterException if the token is not ours for this scope. */
  decode<T>(scope: string, token: string): T {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined || mac !== this.sign(body)) throw invalidToken();
    let parsed: { s?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidToken();
    }
    if (parsed.s !== scope) throw invalidToken();
    return parsed.p as T;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

const invalidToken = () => invalidParameter('The specified nextToken is invalid.');
