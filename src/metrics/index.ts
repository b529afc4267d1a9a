export { Counter, EXPOSITION_CONTENT_TYPE, Histogram, Registry } from './exposition.js';
export { requestMetrics, UNMATCHED } from './middleware.js';
export { LATENCY_BUCKETS, Metrics, type RefusalSurface } from './platform.js';
export { internalMetrics, metricsListenerApp } from './routes.js';
