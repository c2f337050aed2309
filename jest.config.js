// Tests run against TypeScript sources (no build needed): swc strips types, ESM stays ESM.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: {
    '^@arc-ml/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@arc-ml/([a-z-]+)/(testing|jest)$': '<rootDir>/packages/$1/src/$2.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{actions,packages,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/lib/'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/scripts/jest-closing-line.js'],
};
