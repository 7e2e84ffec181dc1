export type { AccessKeyFact, InstanceFact, OpenIngress, RoleFact, SecurityGroupFact } from './facts.js';
export { DEFAULT_STATE_OPTIONS, type StateOptions } from './options.js';
export { STATE_ROUTES } from './routes.js';
export { StateCache } from './state-cache.js';
