export type { Store, RateLimitRule, RateLimitResult, RateLimitState } from './port.js';
export { StoreUnavailableError } from './port.js';
export { MemoryStore } from './memory.js';
