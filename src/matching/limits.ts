// Run-time bounds (the static check in config/regex-safety.ts is the first line of defence):
//  1. Bounded input. Regexes see at most the first MATCH_HEAD_CHARS and the last MATCH_TAIL_CHARS of a
//     message (joined by a newline). Errors are named at the start of a line (and Python/Java put the final
//     exception line at the end of a trace), while CloudWatch events can be 256 KB-1 MB: an unbounded
//     `.*x` over 1 MB costs seconds. A match that only exists in the middle of a huge message is missed;
//     such hits carry `truncated: true`. JSON `fields:` are read from the whole message (parsing is linear).
//  2. Time budget. Every rule evaluation is timed; a rule that takes more than `perEventMs` on one line, or
//     more than `perRunMs` in total, is switched off for the rest of the run and reported (RuleBudget).
//  3. Watchdog. `matchEvents` (batch API) runs a whole batch under a V8 watchdog, so even a regex that never
//     returns is interrupted after `perEventMs`, blamed, switched off, and the batch resumes. `matchEvent`
//     (one line) cannot afford a watchdog per line; it uses one only for regexes the static check flags,
//     which validation keeps out of deployed configs.

export const MATCH_HEAD_CHARS = 8192;
export const MATCH_TAIL_CHARS = 2048;
/** Messages up to this long are matched whole (and may be prefiltered). */
export const MATCH_WHOLE_CHARS = MATCH_HEAD_CHARS + MATCH_TAIL_CHARS;
