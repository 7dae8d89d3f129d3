export type { Alert, StreamRef } from './types';
export { fingerprint } from './fingerprint';
export { groupHits, HitGrouper } from './group-hits';
export { correlate, type Incident } from './correlate';
export { correlationIds } from './correlation-ids';
