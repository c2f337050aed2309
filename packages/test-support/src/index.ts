export * from './arm-contract-check.js';
export * from './run-action-bundle.js';
