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
}
