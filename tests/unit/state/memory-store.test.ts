import { MemoryStateStore } from '../../../src/state';
import { stateStoreContract } from './store-contract';

describe('MemoryStateStore', () => {
  stateStoreContract(() => new MemoryStateStore());
});
