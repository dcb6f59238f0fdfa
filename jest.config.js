/** ts-jest in ESM mode: the sources are NodeNext ES modules with `.js` import suffixes. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: '<rootDir>/test/helpers/ortEnvironment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
