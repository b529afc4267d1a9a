export { authorizeEndpoint } from './endpoint.js';
export { continueEndpoint } from './continue.js';
