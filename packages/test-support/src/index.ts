export * from './action-manifest.js';
export * from './action-test-azure.js';
export * from './arm-contract-check.js';
export * from './certificates.js';
export * from './run-action-bundle.js';
