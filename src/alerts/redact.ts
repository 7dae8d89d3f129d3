// Secrets in log lines must not leave the Lambda: every log-derived string goes through
// `redact` before it is truncated, escaped or put into a Slack payload, so a cut can never
// leave the first half of a secret on screen.
//
// Every pattern is linear-time on V8's backtracking engine: no nested or adjacent quantifiers
// over overlapping classes, repetition bounded where a start could recur inside a run
// (scheme names), and keys anchored by a look-behind so a run of word characters is tried
// from its start only.

export type RedactionKind =
  | 'private-key'
  | 'slack-webhook'
  | 'slack-token'
  | 'url-password'
  | 'jwt'
  | 'authorization'
  | 'basic-auth'
  | 'bearer-token'
  | 'aws-access-key-id'
  | 'aws-secret-key'
  | 'password'
  | 'secret'
  | 'token'
  | 'api-key'
  | 'custom';

export function marker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

// `-----BEGIN RSA PRIVATE KEY-----` … `-----END RSA PRIVATE KEY-----`, also OPENSSH/EC/ENCRYPTED/PGP
// and JSON-escaped newlines. A block whose END is missing (a truncated line) is redacted to the end.
const PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)/g;

// Incoming webhooks (the URL is the credential) and Workflow Builder triggers.
const SLACK_WEBHOOK = /https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>`\\]*/gi;

// scheme://user:password@host — only the password is replaced; it may itself contain `@`.
const URL_PASSWORD = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>`\\]*:)[^\s/?#"'<>`\\]+@/g;

// `Authorization: Bearer x`, `"authorization":"Basic x"`, `authorization=x` (also JSON-escaped quotes).
const AUTHORIZATION =
  /(?<![\w-])((?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?[ \t]*)(?!(?:(?:Bearer|Basic|Token|Digest|Negotiate)[ \t]+)?\[REDACTED:)(?:(Bearer|Basic|Token|Digest|Negotiate)[ \t]+)?[^\s"'`\\,;&<>{}()[\]]+/gi;

// A bearer token anywhere else (`curl -H 'Bearer …'`, stack traces of HTTP clients).
const BEARER = /(?<![\w-])(Bearer[ \t]+)(?!\[REDACTED:)[A-Za-z0-9\-._~+/]{8,}=*/gi;

// header.payload.signature, each base64url; a JWT header always starts `{"` → `eyJ`.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

// Bot/user/app/refresh/config tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xoxe.xoxp-, xapp-.
const SLACK_TOKEN = /(?<![A-Za-z0-9-])(?:xox[abprse](?:\.xox[abprse])?|xapp)-[A-Za-z0-9-]{8,}/g;

const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;

// A 40-character secret access key after its name: aws_secret_access_key=…, "SecretAccessKey": "…",
// secretAccessKey: '…', AWS_SECRET_ACCESS_KEY="…". Names ending in `secret` are left to PAIR below.
const AWS_SECRET_ASSIGNMENT =
  /(?<![\w-])((?:aws_?)?secret_?access_?key\\?["']?[ \t]*[:=][ \t]*\\?["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi;

// Once a line talks about secret access keys, any 40-character base64 word is taken for one,
// except a hex digest (git SHAs, SHA-1 hashes), which has no upper case, `/` or `+`.
const SECRET_KEY_CONTEXT = /secret_?access_?key|aws_?secret/i;
const STANDALONE_SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const HEX_ONLY = /^[0-9a-f]+$/;

// key=value, key: value, "key":"value", 'key': 'value', {\"key\":\"value\"}, ?key=value&… where the
// key ends in one of the names below (db_password, X-Api-Key, client_secret, refresh_token, …).
// The value runs to its closing quote or a delimiter, or to the end of a line cut mid-value.
// Groups: 1 key, 2 separator, then one of 3/4 (JSON-escaped "…"), 5/6 ("…"), 7/8 ('…'), 9 (bare).
const PAIR =
  /(?<![\w-])([\w-]*?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|private[_-]?key))(\\?["']?[ \t]*[:=][ \t]*)(?!\\?["']?\[REDACTED:)(?:(\\")((?:[^"\\\r\n]|\\\\\\"|\\[^"\r\n])*)|(")((?:[^"\\\r\n]|\\[^\r\n])*)|(')([^'\r\n]*)|([^\s,;&"'`<>{}\\)\]]+))/gi;

function pairKind(key: string): RedactionKind {
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return 'password';
  if (/api[_-]?key/.test(k)) return 'api-key';
  if (/private[_-]?key/.test(k)) return 'private-key';
  if (k.endsWith('token')) return 'token';
  return 'secret';
}

/**
 * `text` with every secret it recognises replaced by `[REDACTED:<kind>]`; `extra` patterns
 * (from the settings) replace their whole match with `[REDACTED:custom]`. Surrounding names,
 * quotes and separators are kept so the line still reads (`password=[REDACTED:password]`).
 */
export function redact(text: string, extra: readonly RegExp[] = []): string {
  if (text.length === 0) return text;
  let out = text
    .replace(PRIVATE_KEY, marker('private-key'))
    .replace(SLACK_WEBHOOK, marker('slack-webhook'))
    .replace(URL_PASSWORD, (_m, head: string) => `${head}${marker('url-password')}@`)
    .replace(AUTHORIZATION, (_m, head: string, scheme: string | undefined) => {
      const lower = scheme?.toLowerCase();
      const kind: RedactionKind = lower === 'bearer' ? 'bearer-token' : lower === 'basic' ? 'basic-auth' : 'authorization';
      return `${head}${scheme ? `${scheme} ` : ''}${marker(kind)}`;
    })
    .replace(BEARER, (_m, head: string) => `${head}${marker('bearer-token')}`)
    .replace(JWT, marker('jwt'))
    .replace(SLACK_TOKEN, marker('slack-token'))
    .replace(AWS_ACCESS_KEY_ID, marker('aws-access-key-id'))
    .replace(AWS_SECRET_ASSIGNMENT, (_m, head: string) => `${head}${marker('aws-secret-key')}`);
  if (SECRET_KEY_CONTEXT.test(out)) {
    out = out.replace(STANDALONE_SECRET_KEY, (word) => (HEX_ONLY.test(word) ? word : marker('aws-secret-key')));
  }
  out = out.replace(PAIR, (match: string, key: string, sep: string, ...groups: unknown[]) => {
    const [escQuote, escValue, dQuote, dValue, sQuote, sValue, bare] = groups as (string | undefined)[];
    const quote = escQuote ?? dQuote ?? sQuote ?? '';
    const value = escValue ?? dValue ?? sValue ?? bare ?? '';
    return value.length === 0 ? match : `${key}${sep}${quote}${marker(pairKind(key))}`;
  });
  for (const pattern of extra) out = out.replace(globalCopy(pattern), (m) => (m.length === 0 ? m : marker('custom')));
  return out;
}

const globalCopies = new WeakMap<RegExp, RegExp>();

/** `replace` needs the `g` flag to replace every match; the caller's regex is not modified. */
function globalCopy(pattern: RegExp): RegExp {
  let copy = globalCopies.get(pattern);
  if (!copy) {
    copy = pattern.global ? new RegExp(pattern.source, pattern.flags) : new RegExp(pattern.source, `${pattern.flags}g`);
    globalCopies.set(pattern, copy);
  }
  copy.lastIndex = 0;
  return copy;
}
