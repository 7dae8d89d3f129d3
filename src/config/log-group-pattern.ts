// logGroups entries: exact names, `prefix*`, or globs where `*` is any run of characters
// (including `/`, so `/aws/lambda/*` covers every function), `?` one character and
// `[abc]` / `[a-z]` / `[!abc]` a class. Log group names cannot contain `*?[]`, so no escaping exists.

const GLOB_START = /[*?[]/;
/** CloudWatch's allowed characters for log group names. */
const NAME_CHAR = /[A-Za-z0-9_\-/.#]/;
const MAX_NAME_LENGTH = 512;

/** Longest part before any glob character: the `logGroupNamePrefix` to ask DescribeLogGroups for. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(GLOB_START);
  return i === -1 ? pattern : pattern.slice(0, i);
}

export function logGroupMatcher(pattern: string): (name: string) => boolean {
  if (!GLOB_START.test(pattern)) return (name) => name === pattern;
  const re = globToRegExp(pattern);
  return (name) => re.test(name);
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && classEnd(glob, i) !== -1) {
      const end = classEnd(glob, i);
      let body = glob.slice(i + 1, end);
      const negated = body[0] === '!' || body[0] === '^';
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]\[^]/g, '\\$&')}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Index of the `]` closing the class opened at `start`, or -1 (then `[` is just a character). */
function classEnd(glob: string, start: number): number {
  const end = glob.indexOf(']', start + 1);
  const body = end === -1 ? '' : glob.slice(start + 1, end).replace(/^[!^]/, '');
  return body === '' ? -1 : end;
}

/** Why a logGroups entry can never match a real log group, or undefined when it is fine. */
export function logGroupPatternError(pattern: string): string | undefined {
  if (pattern === '') return 'must not be empty';
  if (pattern.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters, the CloudWatch limit`;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') continue;
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) return `has '[' without a closing ']' (or an empty class) at character ${i + 1}`;
      try {
        globToRegExp(pattern.slice(i, end + 1));
      } catch {
        return `has an invalid character class '${pattern.slice(i, end + 1)}'`;
      }
      i = end;
      continue;
    }
    if (!NAME_CHAR.test(c)) {
      return `contains '${c}', which cannot appear in a log group name (allowed: letters, digits, _ - / . #, and globs * ? [...])`;
    }
  }
  return undefined;
}
