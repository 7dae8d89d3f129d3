import type { Rule } from '../config/types';
import type { LogEvent } from '../sources/types';

export interface Hit {
  rule: Rule;
  event: LogEvent;
  /** Named capture groups of the pattern, when it has any. */
  captures: Record<string, string>;
  /** The rule's `groupBy` values joined, when it has any: hits with different keys never share an alert. */
  groupKey?: string;
}
