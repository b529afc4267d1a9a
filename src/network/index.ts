export type { NetworkBackend, Subscriber, KycRecord, LineType } from './port.js';
export { isEligible } from './port.js';
export { SandboxNetwork, type SandboxData, type SandboxSubscriber } from './sandbox.js';
