import { invalidParameter } from './errors';
import type { InsightsState } from './insights';
import { LogGroup, LogStore } from './store';
import { TokenCodec } from './tokens';
import { Body, LOG_GROUP_NAME, optString } from './validate';

// Limits from the CloudWatch Logs API reference (PutLogEvents, FilterLogEvents, GetLogEvents).
export const MAX_BATCH_EVENTS = 10_000;
export const MAX_BATCH_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_RESPONSE_BYTES = 1_048_576;

export interface HandlerContext {
  store: LogStore;
  tokens: TokenCodec;
  random: () => number;
  /** Per-event cap; AWS raised it from 256 KB to 1 MB in 2025, older accounts/tools assume 262,144. */
  maxEventBytes: number;
  /** Probability that a FilterLogEvents page is cut short (even to zero events) yet carries a nextToken. */
  partialPageProbability: number;
  /**
   * The API reference says FilterLogEvents excludes only events "later than" endTime (inclusive end), while
   * a user report (aws/aws-cli#4262) saw the event stamped exactly endTime dropped. Both are emulated so
   * callers can prove their windowing right under either reading.
   */
  filterEndTimeInclusive: boolean;
  /** Logs Insights queries; absent in a context built without it (Insights operations then fail). */
  insights?: InsightsState;
}

export type Handler = (body: Body, ctx: HandlerContext) => unknown;

export const wireBytes = (message: string) => Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;

/** Exactly one of logGroupName / logGroupIdentifier, as the read APIs require. */
export function targetGroup(body: Body, store: LogStore): LogGroup {
  const name = optString(body, 'logGroupName', { max: 512, pattern: LOG_GROUP_NAME });
  const identifier = optString(body, 'logGroupIdentifier', { max: 2048 });
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup identifier are mutually exclusive parameters.');
  }
  if (identifier !== undefined) return store.groupByIdentifier(identifier);
  if (name === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  return store.group(name);
}

export function nextTokenOf(body: Body): string | undefined {
  return optString(body, 'nextToken', { min: 1 });
}
