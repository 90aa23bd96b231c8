// One probe of one target: the phases a client goes through, each timed, stopping at the first
// that fails. What it learns (protocol version, tools and their fingerprint) feeds the exposition.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { toolFingerprint, type ToolDefinition } from '@mcp-observability/instrument';
import { postMessage, type RpcAnswer } from './json-rpc-http.js';
import type { ProbeModule } from './modules.js';

export type Phase = 'handshake' | 'tools_list' | 'tool_call';

export interface ProbeResult {
  success: boolean;
  seconds: number;
  phases: { phase: Phase; seconds: number; ok: boolean; error?: string }[];
  protocolVersion?: string;
  tools?: number;
  /** First 48 bits of the SHA-256 of the sorted per-tool fingerprints, as a number. */
  toolsFingerprint?: number;
}

const CLIENT_INFO = { name: 'mcp-observability-probe', version: '1' };

/** The 2026-07-28 per-request envelope: what a stateless request carries instead of a session. */
const envelope = (version: string) => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': {},
});

export function toolsFingerprint(tools: readonly ToolDefinition[]): number {
  const each = tools.map((t) => toolFingerprint(t)).sort().join('\n');
  return Number.parseInt(createHash('sha256').update(each).digest('hex').slice(0, 12), 16);
}

function failure(answer: RpcAnswer): string | undefined {
  if (answer.status < 200 || answer.status >= 300) return `HTTP ${answer.status}`;
  if (answer.response?.error) return `JSON-RPC error ${answer.response.error.code}`;
  if (answer.response === undefined) return 'no response';
  return undefined;
}

export async function runProbe(target: URL, module: ProbeModule): Promise<ProbeResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(module.timeoutSeconds * 1000);
  const result: ProbeResult = { success: false, seconds: 0, phases: [] };
  const modern = module.era === '2026-07-28';
  const headers: Record<string, string> = { ...module.headers };
  let id = 0;

  const phase = async (name: Phase, method: string, params: Record<string, unknown>, check?: (r: Record<string, unknown>) => string | undefined) => {
    const t0 = performance.now();
    let error: string | undefined;
    let answer: RpcAnswer | undefined;
    try {
      const extra: Record<string, string> = modern ? { 'mcp-protocol-version': module.era, 'mcp-method': method } : {};
      answer = await postMessage(target, { id: ++id, method, params: modern ? { ...params, _meta: envelope(module.era) } : params },
        { ...headers, ...extra }, signal);
      error = failure(answer) ?? check?.(answer.response!.result ?? {});
    } catch (err) {
      error = signal.aborted ? 'timeout' : (err as Error).message;
    }
    result.phases.push({ phase: name, seconds: (performance.now() - t0) / 1000, ok: error === undefined, error });
    return error === undefined ? answer : undefined;
  };

  const run = async () => {
    // server/discover lists the versions the server speaks; it must include the module's.
    const offered = (r: Record<string, unknown>) =>
      (Array.isArray(r.supportedVersions) && r.supportedVersions.includes(module.era) ? undefined : `server does not offer ${module.era}`);
    const handshake = modern
      ? await phase('handshake', 'server/discover', {}, offered)
      : await phase('handshake', 'initialize', { protocolVersion: module.era, capabilities: {}, clientInfo: CLIENT_INFO });
    if (!handshake) return;
    const agreed = handshake.response?.result?.protocolVersion;
    result.protocolVersion = typeof agreed === 'string' ? agreed.slice(0, 32) : module.era;
    if (!modern) {
      if (handshake.sessionId) headers['mcp-session-id'] = handshake.sessionId;
      headers['mcp-protocol-version'] = result.protocolVersion;
      await postMessage(target, { method: 'notifications/initialized' }, headers, signal);
    }
    const listed = await phase('tools_list', 'tools/list', {}, (r) => (Array.isArray(r.tools) ? undefined : 'no tools array'));
    if (!listed) return;
    const tools = listed.response!.result!.tools as ToolDefinition[];
    result.tools = tools.length;
    result.toolsFingerprint = toolsFingerprint(tools);
    if (module.toolCall && !await phase('tool_call', 'tools/call', { ...module.toolCall }, (r) => (r.isError === true ? 'isError result' : undefined))) return;
    result.success = true;
  };

  try {
    await run();
  } finally {
    // The session is closed, not left to the server's idle timeout; its outcome is not the probe's.
    if (headers['mcp-session-id']) await fetch(target, { method: 'DELETE', headers, signal: AbortSignal.timeout(2000) }).catch(() => {});
    result.seconds = (performance.now() - started) / 1000;
  }
  return result;
}
