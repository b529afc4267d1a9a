export type * from './port.js';
export { OnboardingConsentService } from './service.js';
