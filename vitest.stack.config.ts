// The repository's whole stack end to end (`npm run test:stack`, called by .ci/run): reference
// servers, simulator, Prometheus, Alertmanager, every check and every fault drill, ~6 minutes on
// two cores, so `npm test` leaves it out. The user's stack (up --scrape / check / down) stays in
// `npm test`.
import { defineConfig } from 'vitest/config';
import { sourceEnv, sourceResolution } from './vitest.shared.js';

export default defineConfig({
  ...sourceResolution,
  test: {
    env: sourceEnv,
    include: ['test/stack/native-e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
