import type { SecurityEvent } from '../../schemas/types.js';
import type { FactStore } from './fact-store.js';

/** Updates the store from one successful CloudTrail event of the action it is registered for. */
export type Learner = (store: FactStore, event: SecurityEvent) => void;
