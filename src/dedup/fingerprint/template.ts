/**
 * One line of text → its template: variable parts become `<*>`, constant words stay.
 *
 * A single placeholder (rather than <NUM>, <IP>, ...) is deliberate: the same slot often holds
 * values of different shapes (`rhost=10.0.0.1` vs `rhost=host.example.com`, `lifetime 00:01` vs
 * `lifetime <1 sec`), and typed placeholders would split one event into several alerts.
 *
 * Every pattern here is linear: bounded repeats, no nested quantifiers over the same characters.
 */

export const VAR = '<*>';

/** Longer input is cut: the head of a line identifies its template, and the cost stays bounded. */
const MAX_LINE = 2000;

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
// Units a quantity may carry, spaced or attached; plain words after numbers ("3 retries") stay.
// Spelled-out words (`3 seconds`) stay readable; abbreviations fold into the value (`<1 sec` vs `00:01`).
const UNIT = '(?:ns|us|µs|ms|sec|secs|mins?|hrs?|[KMGTP]i?B|B|[kKMG]b|bytes?/s)';
// Top-level domains we are confident about; a bare dotted word (`mapred.task.id`) is a config key, not a host.
const TLD =
  '(?:com|net|org|edu|gov|mil|int|io|info|biz|local|localdomain|internal|lan|arpa|cloud|dev|app|(?:com|net|org|edu|gov|ac|co)\\.[a-z]{2})';

// File extensions of source code, whose `name.ext:line` is a code location rather than `host:port`.
const CODE_EXTENSION =
  '(?:java|kt|kts|scala|groovy|clj|js|mjs|cjs|jsx|ts|tsx|vue|py|pyx|rb|go|rs|c|h|cc|cpp|cxx|hpp|hh|m|mm|swift|cs|fs|vb|php|pl|pm|sh|bash|lua|ex|exs|erl|hs|dart|r|jl|sql)';

const SOURCES: string[] = [
  // AWS ARNs keep service and resource type: arn:aws:dynamodb:<*>:table/<*>.
  '\\barn:(?<arnPartition>aws[a-z-]{0,10}):(?<arnService>[a-z0-9-]{1,40}):[a-z0-9-]{0,30}:\\d{0,12}:(?:(?<arnType>[A-Za-z-]{1,40}[:/]))?[^\\s,;"\'()\\[\\]{}<>]{0,256}',
  // AWS regions (eu-west-1) say where, not what.
  '\\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\\d\\b',
  // Quoted strings; a single quote only when it is not an apostrophe inside a word.
  '"(?<dq>[^"\\n]{0,256})"',
  "(?<![\\w'])'(?<sq>[^'\\n]{0,256})'(?![\\w])",
  // A bare HTTP request route (`GET /users/12 failed`).
  '\\b(?<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?<route>/[^\\s"?#]{0,512})(?<routeQuery>\\?[^\\s"]{0,512})?',
  // ISO 8601 and plain dates, syslog / ctime stamps, Apache/CLF stamps.
  '\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\w])',
  `(?:${DAY},? )?${MONTH} {1,2}\\d{1,2}(?:,? \\d{4})? \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?: \\d{4}(?!\\d))?`,
  `\\d{1,2}/${MONTH}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?`,
  // UUIDs (AWS request ids are UUIDs).
  '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b',
  // URLs: the host goes, the route keeps its constant segments, the query goes.
  '\\b(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]{0,20})://[^\\s/"\'<>()\\[\\]{}?#]{0,256}(?<urlPath>/[^\\s"\'<>()\\[\\]{}?#]{0,1024}?)?(?<urlQuery>\\?[^\\s"\'<>()\\[\\]{}]{0,1024}?)?(?=[.,;:!?]*(?:[\\s"\'<>()\\[\\]{}]|$))',
  // e-mail addresses.
  '\\b[\\w.+-]{1,64}@[\\w-]{1,63}(?:\\.[\\w-]{1,63}){0,8}\\.[a-zA-Z]{2,}\\b',
  // IPv6 / MAC / clock times: colon-separated hex groups with a digit somewhere.
  '(?<![\\w:])(?=[0-9a-fA-F:]{0,39}\\d)(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\\w:])',
  // Host names under a known TLD.
  `(?<![\\w.-])(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.){1,10}${TLD}(?![\\w-]|\\.\\w)`,
  // host:port under any TLD (`bx.optimix.asia:443`): the port says it is an address. A source file and line
  // (`Handler.java:42`, `index.js:12`) has the same shape and names a code location, so it stays.
  `(?<![\\w.-])(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.){1,10}(?!${CODE_EXTENSION}:)[a-zA-Z]{2,24}:\\d{1,5}(?![\\w.:-])`,
  // File paths are values (`/var/lib/x.db`, `C:\Windows\x.dll`); two segments at least, so `/24` or `/dev` alone
  // stay; a route after an HTTP method is matched above and keeps its constant segments.
  '(?<![\\w./~-])(?:~|\\.{1,2})?/[\\w.*@%+~$={}-]{1,255}(?:/[\\w.*@%+~$={}-]{0,255}){1,64}|\\b[A-Za-z]:\\\\[^\\s"\'<>|]{0,512}',
  // key=value: the value goes whatever it is (quoted, bare, with a unit, with a bracketed part, or empty:
  // `ruser=` and `ruser=bob` are one slot).
  `(?<![\\w.-])(?<key>[A-Za-z_][\\w.-]{0,63})=(?!=)(?:"[^"\\n]{0,256}"|'[^'\\n]{0,256}'|(?:[^\\s,;&)\\]}>"'={(\\[]|\\{[^{}\\s]{0,64}\\}|\\([^()\\s]{0,64}\\)|\\[[^\\[\\]\\s]{0,64}\\]){1,256}(?: ${UNIT}(?![\\w-]))?|(?=[\\s,;&]|$))`,
  // The account a credential was checked for (`Failed password for root from`, `Accepted publickey for deploy`);
  // `for invalid user x` is left to the rule below.
  '\\b(?<credentialFor>(?:[Pp]assword|[Pp]ublickey|[Pp]assphrase|[Cc]redentials|[Kk]eyboard-interactive(?:/pam)?) for )(?!(?:invalid|illegal|user)\\b)[A-Za-z_][\\w.@-]{0,63}(?![\\w(])',
  // A user name after the word that introduces it (`Invalid user admin from`, `session opened for user bob`);
  // an empty name (`Invalid user  from`) is the same slot.
  '\\b(?<userWord>(?:[Uu]ser|[Uu]sername|[Aa]ccount|[Ll]ogin) )(?:(?!(?:is|was|has|had|not|does|did|can|with|from|for|to|by|in|on|at|of|and|or|the|a|an|that|id|name|session|process)\\b)[A-Za-z_][\\w.@-]{0,63}(?![\\w(])|(?= ))',
  // Quantities: number + unit, with an optional comparator (`<1 sec`).
  `(?<![\\w.])[<>~]?-?\\d+(?:\\.\\d+)?\\s?${UNIT}(?![\\w-])`,
  // Compounds (parts joined by _ - ~) with an id part are ids: blk_-123, rdd_2_3, attempt_1445_0020_m_000002_0,
  // ord_7f3a9c, node-17, Pkg~31bf3856ad364e35~amd64: the id makes the whole name one instance of many. A long
  // mixed run is an id too, unless it is a name and a number (`bglio559`): that one keeps its stem below, as
  // `bglio46` does, whatever the number's length.
  '(?<!\\w)(?:[A-Za-z0-9]+[-_~]+)*(?:-?\\d+|(?=[A-Za-z]*\\d)(?:[0-9a-fA-F]{6,}|(?![A-Za-z]+\\d+(?![A-Za-z0-9]))[A-Za-z0-9]{8,}))(?:[-_~]+[A-Za-z0-9]+)*(?!\\w)',
  // Any other alphanumeric run holding a digit (signed when the minus is not a separator).
  '(?<![A-Za-z0-9])(?<run>(?:-(?=\\d))?[A-Za-z0-9]*\\d[A-Za-z0-9]*)',
];

// Group names document the sources; V8 would build a groups object per match for named groups,
// so they are compiled to positional groups and looked up by index.
const GROUPS: string[] = [];
const FLAT = SOURCES.join('|').replace(/\(\?<([A-Za-z]\w*)>/g, (_, name: string) => {
  GROUPS.push(name);
  return '(';
});
const at = (name: string): number => GROUPS.indexOf(name);
const G = {
  run: at('run'), dq: at('dq'), sq: at('sq'), key: at('key'), userWord: at('userWord'), credentialFor: at('credentialFor'), method: at('method'),
  route: at('route'), routeQuery: at('routeQuery'), scheme: at('scheme'), urlPath: at('urlPath'), urlQuery: at('urlQuery'),
  arnPartition: at('arnPartition'), arnService: at('arnService'), arnType: at('arnType'),
};
// Every pattern starts a word: rejecting word interiors first keeps the scan cheap.
const SCAN = new RegExp(`(?<![A-Za-z0-9])(?:${FLAT})`, 'g');
const HTTP_REQUEST = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) (\S+?)(\?\S*)?( HTTP\/[\d.]+)?$/;
const HEX_ID = /^[0-9a-fA-F]{6,}$/;
// Technical words that carry digits but are constant vocabulary, kept for readability.
const KEEP = new Set(
  'ssh2 ipv4 ipv6 utf8 utf16 base64 sha1 sha256 sha512 md5 http2 s3 ec2 x86 x64 arm64 amd64 win32 win64 log4j oauth2 i18n k8s v1 v2 v3 e2e'.split(' '),
);

/**
 * A run like `en0` keeps its stem (interfaces en0 / awdl0 are different things); ids and numbers go, and so
 * does a run standing alone in brackets: that is an annotation of a value (`host name (eadmin1) unknown`).
 */
function maskPiece(piece: string, bracketed: boolean): string {
  if (KEEP.has(piece.toLowerCase())) return piece;
  const first = piece.charCodeAt(0);
  const startsWithLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (bracketed || !startsWithLetter || HEX_ID.test(piece)) return VAR;
  // Random ids alternate letters and digits often; names like Log4jLogger or en0 do so at most twice.
  const runs = piece.match(/[A-Za-z]+|\d+/g)!;
  if (runs.length > 3 || runs[0]!.length < 2) return VAR;
  return piece.replace(/\d+/g, VAR);
}

/** Paths of URLs and requests are routes: constant segments stay, a segment holding a digit is an id. */
function maskPath(path: string): string {
  return path.replace(/[^/?#;]+/g, (seg) => (/\d/.test(seg) && !KEEP.has(seg.toLowerCase()) ? VAR : maskAll(seg)));
}

function maskQuoted(body: string, quote: string, after: string): string {
  // A quoted string followed by ':' is a key ({"level": ...}), not a value.
  if (after === ':') return quote + body + quote;
  const req = HTTP_REQUEST.exec(body);
  if (req) return quote + maskRequest(req) + quote;
  return quote + VAR + quote;
}

function maskRequest(m: RegExpExecArray): string {
  return `${m[1]} ${maskPath(m[2]!)}${m[3] ? '?' + VAR : ''}${m[4] ? ' HTTP/' + VAR : ''}`;
}

type Captures = (string | undefined)[];

const CLOSING: Record<string, string> = { '(': ')', '[': ']' };

function replaceMatch(m: string, c: Captures, before: string, after: string): string {
  if (c[G.run] !== undefined) return m.charCodeAt(0) === 45 /* - */ ? VAR : maskPiece(m, CLOSING[before] === after);
  if (c[G.dq] !== undefined) return maskQuoted(c[G.dq]!, '"', after);
  if (c[G.sq] !== undefined) return maskQuoted(c[G.sq]!, "'", after);
  if (c[G.key] !== undefined) return `${c[G.key]}=${VAR}`;
  if (c[G.userWord] !== undefined) return c[G.userWord] + VAR;
  if (c[G.credentialFor] !== undefined) return c[G.credentialFor] + VAR;
  if (c[G.method] !== undefined) return `${c[G.method]} ${maskPath(c[G.route]!)}${c[G.routeQuery] ? '?' + VAR : ''}`;
  if (c[G.scheme] !== undefined) {
    const path = c[G.urlPath];
    return `${c[G.scheme]}://${VAR}${path ? maskPath(path) : ''}${c[G.urlQuery] ? '?' + VAR : ''}`;
  }
  if (c[G.arnService] !== undefined) {
    const type = c[G.arnType];
    return `arn:${c[G.arnPartition]}:${c[G.arnService]}:${VAR}${type ? type + VAR : ''}`;
  }
  return VAR;
}

function maskAll(text: string): string {
  return text.replace(SCAN, (m: string, ...args: unknown[]) => {
    const offset = args[GROUPS.length] as number;
    return replaceMatch(m, args as Captures, text.charAt(offset - 1), text.charAt(offset + m.length));
  });
}

export function templateLine(line: string): string {
  let text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  // Escaped quotes (\042 in syslog dumps, \" in embedded JSON) are quotes for our purpose.
  if (text.includes('\\')) text = text.replace(/\\(?:042|x22|u0022|")/g, '"').replace(/\\(?:047|x27|u0027)/g, "'");
  text = maskAll(text);
  // Top-level HTTP request lines (access logs without quotes).
  const req = HTTP_REQUEST.exec(text);
  if (req) text = maskRequest(req);
  return tidy(text);
}

/** Fold what the masking left behind so that shape differences of one value do not split a template. */
function tidy(text: string): string {
  return (
    text
      // `<*>.<*>.<*>:<*>` (an address), `<*>_<*>`, `<*>/<*>` ... are one value.
      .replace(/<\*>(?:[.:_\-+#@,/~]{1,3}<\*>)+/g, VAR)
      // A value's annotation in parentheses is part of the value when it is itself value-like (a dot or a
      // digit): the reverse lookup in `from 1.2.3.4 (dsl-082.example.nl) at`. `failed (ENOENT)` stays.
      .replace(/<\*> \((?=[^()\s]*[.\d])[^()\s]{1,255}\)/g, VAR)
      // A parenthesised pure value adds nothing: `5174 bytes (5.05 KB) received`; nor does an empty one
      // (`from 1.2.3.4 () at` is `from 1.2.3.4 (host.example.net) at` without the reverse lookup).
      .replace(/ \((?:<\*>)?\)(?=[\s,.;:]|$)/g, '')
      // Variable-length lists of values: `@0x7fe.. @0x7fe..`, `1 2 3`, and three or more names of one stem
      // (`an14 an15 an16`: the stem says what kind of thing, the list how many; one or two stay readable).
      .replace(/([@#$]?)<\*>(?:,? \1<\*>)+/g, `$1${VAR}`)
      .replace(/(?<![\w<])([A-Za-z]{1,32})<\*>(?:,? \1<\*>){2,}(?![\w<])/g, VAR)
      .replace(/\s+/g, ' ')
      .trim()
  );
}
