/**
 * jest 30 in ESM mode (run through `node --experimental-vm-modules`).
 * `@swc/jest` compiles TypeScript with decorator metadata; `content-disposition` and `cookie` are ESM-only
 * but required by CJS dependencies (`@fastify/static`, `light-my-request`), so jest transforms them to CJS.
 */
const swcTs = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];
const swcCjs = ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': swcTs,
    '/node_modules/(.+/node_modules/)?(content-disposition|cookie)/.+\\.js$': swcCjs,
  },
  transformIgnorePatterns: ['/node_modules/(?!(.+/node_modules/)?(content-disposition|cookie)/)'],
  testEnvironment: 'node',
};

export default {
  projects: [
    // bench/ holds the report renderer of `npm run bench`: pure mapping logic, tested like src/.
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
    },
    {
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.spec.ts'],
      setupFiles: ['<rootDir>/test/support/setup-env.ts'],
    },
  ],
  // Entry points run as child processes (covered by e2e tests of the built service, not instrumented here).
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts', '!src/cli/**'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageDirectory: 'coverage',
  coverageThreshold: { global: { lines: 85 } },
};
