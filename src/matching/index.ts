export type { Hit } from './types';
export { matchEvent } from './match';
