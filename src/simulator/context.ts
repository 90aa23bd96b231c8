// What an agent reads besides tools: at the start of each task it reads a resource (now and then a
// page that does not exist, as agents guess URIs) and gets a prompt template, when the server
// offers them. Their results do not steer the task; the server's resource and prompt signals do.
import type { Prompt } from '@modelcontextprotocol/sdk/types.js';
import { pickOne, type Random } from './random.js';
import type { SimulationStats } from './stats.js';

/** Share of resource reads that guess a URI the server does not have. */
export const GUESSED_URI_RATE = 0.05;

/** The client calls used here, alike in SDK 1.x and 2.x (their wire types match). */
export interface ContextClient {
  getServerCapabilities(): { resources?: unknown; prompts?: unknown } | undefined;
  listResources(): Promise<{ resources: { uri: string }[] }>;
  listPrompts(): Promise<{ prompts: Prompt[] }>;
  readResource(params: { uri: string }): Promise<unknown>;
  getPrompt(params: { name: string; arguments: Record<string, string> }): Promise<unknown>;
}

export interface ContextSources {
  uris: string[];
  prompts: Prompt[];
}

export async function discoverContext(client: ContextClient): Promise<ContextSources> {
  const caps = client.getServerCapabilities() ?? {};
  const uris = caps.resources ? (await client.listResources()).resources.map((r) => r.uri) : [];
  const prompts = caps.prompts ? (await client.listPrompts()).prompts : [];
  return { uris, prompts };
}

/** One resource read and one prompt get; failures are counted, never thrown. */
export async function readContext(client: ContextClient, sources: ContextSources, random: Random, stats: SimulationStats): Promise<void> {
  if (sources.uris.length > 0) {
    const listed = pickOne(sources.uris, random);
    const uri = random() < GUESSED_URI_RATE ? `${listed.replace(/[^/]*$/, '')}guessed-${Math.floor(random() * 1000)}` : listed;
    stats.resourceReads++;
    await client.readResource({ uri }).catch(() => stats.resourceErrors++);
  }
  if (sources.prompts.length > 0) {
    const prompt = pickOne(sources.prompts, random);
    // Argument values: the last path segment of a listed resource (a page id on the reference server).
    const value = sources.uris.length > 0 ? pickOne(sources.uris, random).split('/').pop()! : 'simulated';
    const args = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, value]));
    stats.promptGets++;
    await client.getPrompt({ name: prompt.name, arguments: args }).catch(() => stats.promptErrors++);
  }
}
