import { cloudWatchConsoleHome } from './console-home';
import { HASH_QUERY, jsurlString } from './console-encoding';
import { toWellFormed } from '../well-formed';

/** StartQuery (and the console's log group picker) take at most 50 log groups. */
export const MAX_INSIGHTS_LOG_GROUPS = 50;

export interface InsightsLinkInput {
  region: string;
  logGroups: string[];
  startMs: number;
  endMs: number;
  query: string;
}

/**
 * Logs Insights with the query typed in and an absolute UTC range, in the shape the console
 * writes: `#logsV2:logs-insights$3FqueryDetail$3D~(end~'…~start~'…~timeType~'ABSOLUTE~tz~'UTC
 * ~editorString~'…~source~(~'…)~lang~'CWLI)`. `lang` pins the query language: without it the
 * console reopens whichever language the user picked last, which may not be Logs Insights QL.
 */
export function logsInsightsUrl({ region, logGroups, startMs, endMs, query }: InsightsLinkInput): string {
  const groups = logGroups.slice(0, MAX_INSIGHTS_LOG_GROUPS).map((g) => `~${jsurlString(toWellFormed(g))}`);
  const detail =
    `~(end~${jsurlString(isoTime(Math.max(startMs, endMs)))}` +
    `~start~${jsurlString(isoTime(startMs))}` +
    `~timeType~'ABSOLUTE~tz~'UTC` +
    `~editorString~${jsurlString(toWellFormed(query))}` +
    `~source~(${groups.join('')})` +
    `~lang~'CWLI)`;
  return `${cloudWatchConsoleHome(region)}#logsV2:logs-insights${HASH_QUERY.start}queryDetail${HASH_QUERY.equals}${detail}`;
}

function isoTime(ms: number): string {
  return new Date(Math.max(0, Math.floor(ms))).toISOString();
}

/** The hits of a rule, newest first: what a reader wants next to the alert. */
export function insightsQueryForPattern(pattern: RegExp): string {
  return (
    'fields @timestamp, @logStream, @message' +
    ` | filter @message like ${insightsRegexLiteral(pattern)}` +
    ' | sort @timestamp desc | limit 100'
  );
}

/**
 * The pattern as an Insights `/…/` literal. RegExp#source leaves `/` bare inside character
 * classes (`[/]`), which would end the literal early, so every unescaped `/` is escaped here.
 * JS flags become inline modifiers, the form Insights documents for case-insensitivity (`(?i)`).
 */
export function insightsRegexLiteral(pattern: RegExp): string {
  let body = '';
  let escaped = false;
  for (const ch of pattern.source) {
    if (escaped) {
      body += ch;
      escaped = false;
    } else if (ch === '\\') {
      body += ch;
      escaped = true;
    } else {
      body += ch === '/' ? '\\/' : ch;
    }
  }
  const modifiers = ['i', 'm', 's'].filter((f) => pattern.flags.includes(f)).join('');
  return `/${modifiers ? `(?${modifiers})` : ''}${body}/`;
}
