// Probe modules (as in blackbox_exporter): how to probe a target. Two are built in, one per
// protocol era; a YAML file may add more (a tool to call, headers, a timeout).
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';

export type ProbeEra = '2025-11-25' | '2026-07-28';

export interface ProbeModule {
  /** 2025-11-25: initialize, then a session; 2026-07-28: server/discover, stateless. */
  era: ProbeEra;
  timeoutSeconds: number;
  /** One safe tool call after tools/list, when given. */
  toolCall?: { name: string; arguments: Record<string, unknown> };
  /** Sent with every request (e.g. Authorization); never logged or exported. */
  headers: Record<string, string>;
}

export const BUILT_IN_MODULES: Readonly<Record<string, ProbeModule>> = {
  mcp_initialize: { era: '2025-11-25', timeoutSeconds: 10, headers: {} },
  mcp_discover: { era: '2026-07-28', timeoutSeconds: 10, headers: {} },
};

interface ModuleFile {
  modules?: Record<string, { era?: unknown; timeout_seconds?: unknown; tool_call?: { name?: unknown; arguments?: unknown }; headers?: unknown }>;
}

/** The built-in modules plus those of the file; throws with the module and field at fault. */
export function loadModules(file: string | undefined): Record<string, ProbeModule> {
  const modules: Record<string, ProbeModule> = { ...BUILT_IN_MODULES };
  if (!file) return modules;
  const parsed = yaml.load(readFileSync(file, 'utf8')) as ModuleFile | undefined;
  for (const [name, m] of Object.entries(parsed?.modules ?? {})) {
    const fail = (field: string, expected: string) => { throw new Error(`${file}: modules.${name}.${field}: expected ${expected}`); };
    const era = m.era ?? '2025-11-25';
    if (era !== '2025-11-25' && era !== '2026-07-28') fail('era', '2025-11-25 or 2026-07-28');
    const timeoutSeconds = m.timeout_seconds ?? 10;
    if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) fail('timeout_seconds', 'a number of seconds');
    let toolCall: ProbeModule['toolCall'];
    if (m.tool_call !== undefined) {
      if (typeof m.tool_call.name !== 'string') fail('tool_call.name', 'a tool name');
      const args = m.tool_call.arguments ?? {};
      if (typeof args !== 'object' || args === null || Array.isArray(args)) fail('tool_call.arguments', 'a mapping');
      toolCall = { name: m.tool_call.name as string, arguments: args as Record<string, unknown> };
    }
    const headers = m.headers ?? {};
    if (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string')) fail('headers', 'a mapping of strings');
    modules[name] = { era: era as ProbeEra, timeoutSeconds: timeoutSeconds as number, toolCall, headers: headers as Record<string, string> };
  }
  return modules;
}
