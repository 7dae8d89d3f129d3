import { fitText } from './escape';

// The only `<!…>` / `<@…>` tokens a message ever carries come from here, and only from a rule's
// `mention:` setting; log text is always escaped, so it can never ping anyone.
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const USER_GROUP_ID = /^(?:subteam\^)?(S[A-Z0-9]{2,20})$/;

export interface RuleMentions {
  /** Slack mention tokens, e.g. `<!here>`, `<@U123ABC>`, `<!subteam^S123ABC>`, deduplicated, in order. */
  tokens: string[];
  /** Entries that are not a Slack mention, already escaped for display. */
  invalid: string[];
}

/**
 * A rule's `mention:` (`here`, `channel`, a user id `U…`/`W…`, a user group id `S…` or
 * `subteam^S…`; several separated by spaces or commas; a leading `@` is ignored) as Slack tokens.
 */
export function ruleMentions(mention: string | undefined): RuleMentions {
  const tokens: string[] = [];
  const invalid: string[] = [];
  for (const raw of (mention ?? '').split(/[\s,]+/)) {
    if (raw === '') continue;
    const entry = raw.startsWith('@') ? raw.slice(1) : raw;
    const token = mentionToken(entry);
    if (token === undefined) invalid.push(fitText(raw, { maxLength: 60, singleLine: true, inInlineCode: true }).text);
    else if (!tokens.includes(token)) tokens.push(token);
  }
  return { tokens, invalid };
}

function mentionToken(entry: string): string | undefined {
  if (entry === 'here' || entry === 'channel') return `<!${entry}>`;
  if (USER_ID.test(entry)) return `<@${entry}>`;
  const group = USER_GROUP_ID.exec(entry);
  return group ? `<!subteam^${group[1]}>` : undefined;
}

/** Joins tokens with spaces, keeping whole tokens only, within `maxLength` characters. */
export function mentionPrefix(tokens: readonly string[], maxLength: number): string {
  let out = '';
  for (const token of tokens) {
    const next = out ? `${out} ${token}` : token;
    if (next.length > maxLength) break;
    out = next;
  }
  return out;
}
