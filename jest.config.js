// @actions/core 3.x and its siblings ship ESM only, with an "import"-only exports map. Jest runs
// CommonJS, so they are mapped to their files and transpiled by ts-jest (allowJs) like our code.
// to-fast-properties is ESM only too; its exports map resolves as it is, so it is only transpiled.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  setupFiles: ['<rootDir>/__tests__/helpers/setup.ts'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          allowJs: true,
          isolatedModules: true
        },
        diagnostics: false
      }
    ]
  },
  moduleNameMapper: {
    '^@actions/core$': '<rootDir>/node_modules/@actions/core/lib/core.js',
    '^@actions/exec$': '<rootDir>/node_modules/@actions/exec/lib/exec.js',
    '^@actions/io$': '<rootDir>/node_modules/@actions/io/lib/io.js',
    '^@actions/io/lib/(.*)$': '<rootDir>/node_modules/@actions/io/lib/$1.js',
    '^@actions/http-client$': '<rootDir>/node_modules/@actions/http-client/lib/index.js',
    '^@actions/http-client/lib/(.*)$': '<rootDir>/node_modules/@actions/http-client/lib/$1.js'
  },
  transformIgnorePatterns: ['/node_modules/(?!(@actions|to-fast-properties)/)'],
  // Generous: the e2e suites share 2 cores with moto_server, RGW and each other.
  testTimeout: 120000,
  // The e2e suites each start their own moto_server; two workers suit this 2-core machine.
  maxWorkers: 2
}
