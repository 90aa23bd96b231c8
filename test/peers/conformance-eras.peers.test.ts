// The newest MCP conformance suite against the reference server on SDK 2.x (--sdk 2), once per
// protocol revision (--requirements: exactly the scenarios that revision requires), with a
// committed list of expected failures per revision that must stay true in both directions; then
// the server's own metrics must show both eras' conversations.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_ERAS_VERSION, runConformance } from '../server/conformance-runner.js';
import { scrape, startServer, sumOf, type RunningServer } from '../server/harness.js';

const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
type Revision = (typeof REVISIONS)[number];

const expected = JSON.parse(readFileSync(new URL('./fixtures/conformance-sdk-v2-expected-failures.json', import.meta.url), 'utf8')) as
  Record<Revision, Record<string, string>>;

/** Scenarios each revision must pass on this server: the handshake of its era, tools, and the HTTP checks. */
const MUST_PASS: Record<Revision, string[]> = {
  '2025-11-25': ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'],
  '2026-07-28': ['tools-list', 'http-header-validation', 'sep-2164-resource-not-found', 'input-required-result-validate-input', 'dns-rebinding-protection'],
};

describe(`MCP conformance ${CONFORMANCE_ERAS_VERSION} in both protocol eras, reference server on SDK 2.x`, () => {
  let server: RunningServer;
  const runs = new Map<Revision, { results: Map<string, boolean>; output: string }>();
  beforeAll(async () => {
    server = await startServer(['--sdk', '2']);
    for (const revision of REVISIONS) {
      const started = Date.now();
      runs.set(revision, await runConformance(`${server.base}/mcp`, mkdtempSync(join(tmpdir(), `mcp-conformance-${revision}-`)),
        { version: CONFORMANCE_ERAS_VERSION, requirements: revision }));
      const results = runs.get(revision)!.results;
      const passed = [...results.values()].filter(Boolean).length;
      console.log(`conformance ${CONFORMANCE_ERAS_VERSION} --requirements ${revision}: ${passed}/${results.size} scenarios passed, `
        + `${results.size - passed} failed (${Object.keys(expected[revision]).length} expected), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }, 400_000);
  afterAll(async () => server.stop());

  describe.each(REVISIONS)('--requirements %s', (revision) => {
    it('fails only the scenarios listed as expected failures, and still fails every listed one', () => {
      const { results, output } = runs.get(revision)!;
      expect(results.size, output).toBeGreaterThanOrEqual(30);
      const unexpected = [...results].filter(([name, passed]) => !passed && !(name in expected[revision])).map(([name]) => name);
      expect(unexpected, output).toEqual([]);
      const nowPassing = Object.keys(expected[revision]).filter((name) => results.get(name) !== false);
      expect(nowPassing).toEqual([]);
    });

    it('passes the scenarios that matter for this server', () => {
      const { results } = runs.get(revision)!;
      for (const name of MUST_PASS[revision]) expect(results.get(name), name).toBe(true);
    });
  });

  it('counted the suite\'s clients of both eras: initialize and server/discover handshakes, no session', async () => {
    const text = await scrape(server.base);
    expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'success', protocol_version: '2025-11-25' })).toBeGreaterThan(0);
    expect(sumOf(text, 'mcp_handshakes_total', { outcome: 'success', protocol_version: '2026-07-28' })).toBeGreaterThan(0);
    expect(sumOf(text, 'mcp_session_duration_seconds_count')).toBe(0);
  });
});
