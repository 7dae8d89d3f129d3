import type { Rule } from '../config/types';
import type { LogEvent } from '../sources/types';

export interface StreamRef {
  logGroup: string;
  logStream: string;
}

/** Every hit of one rule that shares a fingerprint within a run, folded into one notification. */
export interface Alert {
  rule: Rule;
  fingerprint: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  logGroups: string[];
  streams: StreamRef[];
  /** The first hit: its stream and time are where the console link lands. */
  sample: LogEvent;
  /** X-Ray trace id carried by the sample line, when there is one. */
  traceId?: string;
  /**
   * Set on a repeat: when this fingerprint was last posted. The alert then says
   * "Still happening: N more since <time>".
   */
  previouslyAlertedAt?: number;
  /** Start of the quiet (suppressed) span the repeat covers; defaults to `previouslyAlertedAt`. */
  suppressedSince?: number;
  /** Hits counted but not posted since `suppressedSince`; defaults to `count`. */
  suppressedCount?: number;
  /** `trace:<id>` / `request:<id>` keys seen in the hits (bounded), used to merge alerts into incidents. */
  correlationIds?: string[];
}
