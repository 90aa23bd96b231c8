// The benchmarks' smoke runs (`npm run test:bench`, called by .ci/run): every benchmark end to end
// at tiny sizes, valgrind and throughput rounds included. They take minutes and load both cores,
// so `npm test` leaves them out.
import { defineConfig } from 'vitest/config';
import { sourceEnv, sourceResolution } from './vitest.shared.js';

export default defineConfig({
  ...sourceResolution,
  test: {
    env: sourceEnv,
    include: ['test/bench/smoke.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
