// kill -9 under load, three times on the same audit file with `auditDurable`: every call a client
// saw answered is in the trail, and each restart recovers the torn end and keeps one verifiable chain.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { verifyAuditText } from '../../src/instrument/audit-verify.js';

const SERVER = join(import.meta.dirname, 'fixtures', 'durable-server.ts');
const CLIENTS = 8;
const ROUNDS = 3;

async function startServer(auditFile: string): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, ['--conditions=@mcp-observability/source', '--import', 'tsx', SERVER, auditFile],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`durable server exited with ${code}`)));
  });
  return { child, url: new URL(line) };
}

/** Calls echo from CLIENTS sessions until `stop`; answered ids go to `answered`. */
function load(url: URL, round: number, answered: string[], stop: { now: boolean }, clients: Client[]): Promise<void[]> {
  return Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    const client = new Client({ name: `durability-${c}`, version: '1' });
    clients.push(client);
    try {
      await client.connect(new StreamableHTTPClientTransport(url));
      for (let n = 0; !stop.now; n++) {
        const id = `r${round}-c${c}-n${n}`;
        await client.callTool({ name: 'echo', arguments: { payload: { id } } });
        answered.push(id);
      }
    } catch { /* the server was killed mid-call: that call was not answered */ }
  }));
}

describe('durable audit trail', () => {
  it(`loses no answered call across ${ROUNDS} kill -9 under load`, async () => {
    const auditFile = join(mkdtempSync(join(tmpdir(), 'durable-')), 'audit.jsonl');
    const missing: string[] = [];
    let total = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const { child, url } = await startServer(auditFile);
      const answered: string[] = [];
      const stop = { now: false };
      const clients: Client[] = [];
      const running = load(url, round, answered, stop, clients);
      while (answered.length < 200) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      stop.now = true;
      // Calls in flight when the server died never get an answer: closing the clients ends them.
      await Promise.all(clients.map((c) => c.close()));
      await running;
      const audit = readFileSync(auditFile, 'utf8');
      missing.push(...answered.filter((id) => !audit.includes(`"id":"${id}"`)));
      total += answered.length;
    }
    // One more start recovers the last torn end; then the whole file verifies as one chain.
    const { child } = await startServer(auditFile);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const report = verifyAuditText(readFileSync(auditFile, 'utf8'));
    console.log(`kill -9 × ${ROUNDS} under load (${CLIENTS} clients): ${total} answered calls, ${missing.length} missing from the audit trail; `
      + `verify: ${report.ok ? 'OK' : 'BROKEN'}, ${report.records} records, ${report.recoveries.length} recoveries`);
    expect(missing).toEqual([]);
    expect(report.firstBad).toBeUndefined();
  }, 240_000);
});
