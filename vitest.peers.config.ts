// Separate suite for the real peer tools (`npm run test:peers`); `npm test` never runs these.
import { defineConfig } from "vitest/config";
import { sourceEnv, sourceResolution } from "./vitest.shared.js";

export default defineConfig({
  ...sourceResolution,
  test: {
    env: sourceEnv,
    include: ["test/peers/**/*.peers.test.ts"],
    // Peer servers take seconds to start; each file starts at most one Prometheus and one Grafana.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: running the server tests one file at a time keeps start-up times predictable.
    fileParallelism: false,
    // Concurrent tests (vmalert-tool on each promtool test file) run two at a time, one per core.
    maxConcurrency: 2,
  },
});
