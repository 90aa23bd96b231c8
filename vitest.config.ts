import { defineConfig } from 'vitest/config';
import { sourceEnv, sourceResolution } from './vitest.shared.js';

export default defineConfig({
  ...sourceResolution,
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/peers/**', 'node_modules/**'],
    env: sourceEnv,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
