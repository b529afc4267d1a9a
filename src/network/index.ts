export type { NetworkBackend, Subscriber, KycRecord, LineType, DeviceAddress } from './port.js';
export { isEligible } from './port.js';
export { SandboxNetwork, parseAddress, type SandboxData, type SandboxSubscriber } from './sandbox.js';
