export type {
  NetworkBackend,
  Subscriber,
  KycRecord,
  LineType,
  DeviceAddress,
  LookupOptions,
} from './port.js';
export { isEligible } from './port.js';
export { SandboxNetwork, parseAddress, type SandboxData, type SandboxSubscriber } from './sandbox.js';
export { HttpNetwork, type HttpNetworkOptions } from './http.js';
