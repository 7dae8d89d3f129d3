/**
 * Alert fingerprint: a log message reduced to its template, so that every occurrence of one event
 * folds into one alert whatever its ids, numbers, addresses and timestamps.
 * Pure and deterministic; the rules live in ./fingerprint/ (extract: what to look at, template: how to mask it).
 */
import { fingerprintEvent } from './fingerprint/extract';

export function fingerprint(message: string): string {
  return fingerprintEvent(message);
}
