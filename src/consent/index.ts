export type * from './port.js';
export { StoreConsentService, type ConsentServiceOptions } from './service.js';
export { requireLegalBasis } from './enforce.js';
export {
  PurposeRegistry,
  DEFAULT_PURPOSES,
  parsePurposeRegistry,
  type PurposeDefinition,
  type PurposeRegistryData,
} from './purposes.js';
export { ConsentLinks } from './links.js';
export { SandboxOutbox, type ConsentNotifier, type ConsentNotification } from './notifier.js';
export { consentError } from './errors.js';
