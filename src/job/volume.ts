import type { RunSummary } from './types';

/**
 * The log volume behind the engine planner's estimates (src/sources/planner.ts): how many bytes a run reads
 * per log group. The `bytesPerGroupPerWindow` setting is a guess made once; each complete run measures the
 * real figure (FilterLogEvents message bytes plus Insights bytes scanned) and the next run plans with it.
 */

/** How much a new measurement moves the estimate: enough to follow growth within an hour, not one odd run. */
const WEIGHT = 0.3;

/**
 * Bytes read per group in a run that read every group it targeted; undefined for a run that stopped early
 * or read nothing (it would understate the volume), or that did not hold the lease.
 */
export function measuredVolume(stats: Readonly<Record<string, number>>, summary: RunSummary): number | undefined {
  if (summary.lease !== 'acquired' || summary.stoppedEarly) return undefined;
  const groups = summary.logGroups - (summary.groupsNotScanned ?? 0);
  if (groups <= 0) return undefined;
  return ((stats.filterBytesRead ?? 0) + (stats.insightsBytesScanned ?? 0)) / groups;
}

/** An exponentially weighted average; the first measurement replaces the setting outright. */
export function blendVolume(previous: number | undefined, measured: number): number {
  return previous === undefined ? measured : Math.round(previous + WEIGHT * (measured - previous));
}
