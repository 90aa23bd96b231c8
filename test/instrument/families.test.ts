// The scrape shows exactly the catalogue's families of the chosen profile: no more, no fewer.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { PROFILE_NAMES, getProfile } from '../../src/catalog/index.js';
import { createInstrumentation, type Instrumentation } from '../../src/instrument/index.js';
import { families, scrape } from './scrape.js';

describe.each(PROFILE_NAMES)('profile %s', (profile) => {
  let instr: Instrumentation | undefined;
  afterEach(async () => instr?.close());

  it('exposes exactly the catalogue families, with their type (and help for MCP families)', async () => {
    instr = createInstrumentation({ profile, log: { stream: new PassThrough() } });
    const server = await instr.serveMetrics();
    try {
      const text = await scrape(server.url);
      const catalogue = getProfile(profile).families;
      expect(families(text).sort()).toEqual(catalogue.map((f) => f.name).sort());
      for (const f of catalogue) {
        expect(text).toContain(`# TYPE ${f.name} ${f.type}\n`);
        // Help of runtime families is prom-client's / ours verbatim only where the library writes it.
        if (!f.runtime) expect(text).toContain(`# HELP ${f.name} ${f.help}\n`);
      }
    } finally {
      await server.close();
    }
  });
});
