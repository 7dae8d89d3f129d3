import { invalidParameter } from './errors';

/**
 * The unstructured subset of CloudWatch Logs filter pattern syntax:
 *   ""                 every event
 *   ERROR Exception    all terms (AND)
 *   "disk full"        exact phrase
 *   ?ERROR ?WARN       any of the ?-terms (OR)
 *   ERROR -health      exclusion
 *   %regex%            regex term
 * Terms match case-sensitively anywhere in the message, as AWS documents.
 * JSON (`{ $.x = 1 }`) and space-delimited (`[ip, user, ...]`) patterns are rejected loudly rather
 * than approximated, so a test never passes on a pattern the emulator silently misread.
 */
export type EventMatcher = (message: string) => boolean;

type Term = { kind: 'all' | 'any' | 'not'; test: (message: string) => boolean };

export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  const source = (pattern ?? '').trim();
  if (source === '') return () => true;
  if (source.startsWith('{') || source.startsWith('[')) {
    throw invalidParameter(`Emulator supports only term filter patterns, not: ${source}`);
  }
  const terms = tokenize(source);
  const all = terms.filter((t) => t.kind === 'all');
  const any = terms.filter((t) => t.kind === 'any');
  const not = terms.filter((t) => t.kind === 'not');
  return (message) =>
    all.every((t) => t.test(message)) &&
    !not.some((t) => t.test(message)) &&
    (any.length === 0 || any.some((t) => t.test(message)));
}

function tokenize(source: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < source.length) {
    if (/\s/.test(source[i]!)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'all';
    if (source[i] === '?' || source[i] === '-') {
      kind = source[i] === '?' ? 'any' : 'not';
      i++;
    }
    const quote = source[i];
    if (quote === '"' || quote === '%') {
      const end = source.indexOf(quote, i + 1);
      if (end < 0) throw invalidParameter(`Invalid filter pattern: unterminated ${quote} in ${source}`);
      const body = source.slice(i + 1, end);
      terms.push({ kind, test: quote === '"' ? (m) => m.includes(body) : regexTest(body) });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < source.length && !/\s/.test(source[i]!)) i++;
    const word = source.slice(start, i);
    if (word === '') throw invalidParameter(`Invalid filter pattern: ${source}`);
    terms.push({ kind, test: (m) => m.includes(word) });
  }
  return terms;
}

function regexTest(body: string): (message: string) => boolean {
  try {
    const re = new RegExp(body);
    return (m) => re.test(m);
  } catch {
    throw invalidParameter(`Invalid filter pattern regex: %${body}%`);
  }
}
