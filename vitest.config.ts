import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The tests mostly wait on child processes, sockets and the checker's "must not happen" windows: three
    // files at a time keep two cores busy.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
