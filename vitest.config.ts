import { defineConfig } from 'vitest/config';
import { sourceEnv, sourceResolution } from './vitest.shared.js';

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['test/**/*.test.ts'],
    // Real peer tools run in `npm run test:peers`, the benchmarks' smoke runs in `npm run test:bench`.
    exclude: ['test/peers/**', 'test/bench/smoke.test.ts', 'test/stack/native-e2e.test.ts', 'node_modules/**'],
    env: sourceEnv,
    // Two workers on two cores: most files wait on servers and child processes, not the CPU.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
