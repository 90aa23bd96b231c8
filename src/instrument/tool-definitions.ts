// Tool-definition drift (tool poisoning, rug pulls): a fingerprint of every tool definition the
// server serves, and a count of the definitions that change, appear or disappear after the first
// observation. Definitions are read from McpServer registries the way the SDK builds its tools/list
// answer, so a fingerprint equals what a client computes from the tools/list it receives; servers
// seen from outside (the wrap and proxy commands' taps) give their tools/list results instead. Scans run
// when the SDK announces a list change (sendToolListChanged), before each scrape and on a slow timer:
// never on the request path.
import { LOG_EVENTS } from '@mcp-observability/catalog';
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import type { Recorder } from './events.js';
import type { Logger } from './logger.js';

/** The model-visible parts of a tool definition, as tools/list carries them. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export type DefinitionChange = 'modified' | 'added' | 'removed';

/** JSON with object keys sorted at every depth and undefined members dropped: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value).sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}

/** SHA-256 of the definition's canonical JSON, first 16 hex digits (64 bits: collisions are not a practical concern here). */
export function toolFingerprint(def: ToolDefinition): string {
  const { name, title, description, inputSchema, outputSchema, annotations } = def;
  return createHash('sha256').update(canonicalJson({ name, title, description, inputSchema, outputSchema, annotations }))
    .digest('hex').slice(0, 16);
}

/** The private McpServer fields read here (SDK 1.x), checked when a server is added. */
interface RegisteredToolShape {
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  enabled?: boolean;
}
interface ServerShape {
  _registeredTools: Record<string, RegisteredToolShape>;
  sendToolListChanged(): void;
  isConnected(): boolean;
  connect(transport: unknown): Promise<void>;
}

const EMPTY_OBJECT_JSON_SCHEMA = { type: 'object', properties: {} };

/** JSON Schema exactly as the SDK's tools/list handler renders it. */
function jsonSchema(schema: unknown, pipeStrategy: 'input' | 'output'): unknown {
  const obj = normalizeObjectSchema(schema as Parameters<typeof normalizeObjectSchema>[0]);
  return obj ? toJsonSchemaCompat(obj, { strictUnions: true, pipeStrategy }) : undefined;
}

interface Cached {
  source: RegisteredToolShape;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  fingerprint: string;
}

/** Fingerprint of a registered tool, recomputed only when one of its fields was replaced. */
class FingerprintCache {
  private readonly byTool = new WeakMap<RegisteredToolShape, Map<string, Cached>>();

  get(name: string, tool: RegisteredToolShape): string {
    const byName = this.byTool.get(tool) ?? new Map<string, Cached>();
    this.byTool.set(tool, byName);
    const hit = byName.get(name);
    if (hit && hit.title === tool.title && hit.description === tool.description && hit.inputSchema === tool.inputSchema
      && hit.outputSchema === tool.outputSchema && hit.annotations === tool.annotations) return hit.fingerprint;
    const fingerprint = toolFingerprint({
      name, title: tool.title, description: tool.description,
      inputSchema: jsonSchema(tool.inputSchema, 'input') ?? EMPTY_OBJECT_JSON_SCHEMA,
      outputSchema: tool.outputSchema === undefined ? undefined : jsonSchema(tool.outputSchema, 'output'),
      annotations: tool.annotations,
    });
    byName.set(name, { source: tool, title: tool.title, description: tool.description, inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema, annotations: tool.annotations, fingerprint });
    return fingerprint;
  }
}

interface TrackedServer {
  server: ServerShape;
  /** Once connected, a disconnected server is a closed session and stops counting. */
  seenConnected: boolean;
}

/** Tool name → fingerprints served right now (several while open sessions disagree). */
export type ServedDefinitions = ReadonlyMap<string, ReadonlySet<string>>;

export class ToolDefinitionTracker {
  private readonly tracked = new Map<McpServer, TrackedServer>();
  /** Complete tools/list results seen by taps (tool name → fingerprint), by the session or connection that carried them. */
  private readonly listed = new Map<object, Map<string, string>>();
  private readonly cache = new FingerprintCache();
  /** Undefined until the first scan that sees a live server: that scan is the baseline. */
  private served: Map<string, Set<string>> | undefined;

  constructor(private readonly recorder: Recorder, private readonly logger: Logger) {}

  /**
   * Tracks a server's registry and rescans whenever the SDK announces a tool-list change. Returns
   * the release to call when the server's transport closes: SDK 2.x builds a server per request
   * and connects it itself, past the connect() this wraps, so only the close says it is gone.
   */
  addServer(server: McpServer): () => void {
    const release = () => { this.tracked.delete(server); };
    if (this.tracked.has(server)) return release;
    const shape = server as unknown as ServerShape;
    if (typeof shape._registeredTools !== 'object' || typeof shape.sendToolListChanged !== 'function') {
      throw new Error('instrumentation: this McpServer does not expose its tool registry (SDK 1.x expected)');
    }
    const tracked: TrackedServer = { server: shape, seenConnected: shape.isConnected() };
    this.tracked.set(server, tracked);
    // A session may open and close between two scans: mark the connection when it happens.
    const connect = shape.connect.bind(shape);
    shape.connect = async (transport) => {
      await connect(transport);
      tracked.seenConnected = true;
    };
    const announce = shape.sendToolListChanged.bind(shape);
    shape.sendToolListChanged = () => {
      announce();
      this.scan();
    };
    this.scan();
    return release;
  }

  /** Takes a complete tools/list result as what the source (a tap's session) serves now, and rescans. */
  observeList(source: object, tools: readonly unknown[]): void {
    const byName = new Map<string, string>();
    for (const tool of tools) {
      const def = tool as Partial<ToolDefinition> | null;
      if (typeof def?.name === 'string') byName.set(def.name, toolFingerprint(def as ToolDefinition));
    }
    this.listed.set(source, byName);
    this.scan();
  }

  /** The source's session ended: its list no longer counts (the last picture stays while nothing is live). */
  forget(source: object): void {
    this.listed.delete(source);
  }

  /** What the last scan saw. */
  current(): ServedDefinitions {
    return this.served ?? new Map();
  }

  /** Re-reads every live registry; records and logs the differences from the last scan. */
  scan(): void {
    const next = new Map<string, Set<string>>();
    let live = 0;
    for (const [key, t] of this.tracked) {
      if (!t.server.isConnected() && t.seenConnected) {
        this.tracked.delete(key);
        continue;
      }
      live++;
      for (const [name, tool] of Object.entries(t.server._registeredTools)) {
        if (tool.enabled === false) continue;
        const set = next.get(name) ?? new Set<string>();
        set.add(this.cache.get(name, tool));
        next.set(name, set);
      }
    }
    for (const byName of this.listed.values()) {
      live++;
      for (const [name, fingerprint] of byName) {
        const set = next.get(name) ?? new Set<string>();
        set.add(fingerprint);
        next.set(name, set);
      }
    }
    // With no live server (every session closed) nothing is known: keep the last picture.
    if (live === 0) return;
    const previous = this.served;
    this.served = next;
    if (previous === undefined) {
      for (const [name, fingerprints] of next) this.publish(name, new Set(), fingerprints, true);
      this.recorder.registeredTools(next.size);
      return;
    }
    for (const [name, fingerprints] of next) {
      const before = previous.get(name);
      if (!before) this.changed(name, 'added', undefined, fingerprints);
      else if ([...fingerprints].some((f) => !before.has(f))) this.changed(name, 'modified', before, fingerprints);
      this.publish(name, before ?? new Set(), fingerprints, !before);
    }
    for (const [name, before] of previous) {
      if (next.has(name)) continue;
      this.changed(name, 'removed', before, new Set());
      this.publish(name, before, new Set(), false);
    }
    this.recorder.registeredTools(next.size);
  }

  private changed(name: string, change: DefinitionChange, before: ReadonlySet<string> | undefined, after: ReadonlySet<string>): void {
    this.recorder.toolDefinitionChange(name, change);
    this.logger.warning(LOG_EVENTS.toolDefinitionDrift, {
      tool: name, change, fingerprint: [...after].join(',') || undefined, previous_fingerprint: before ? [...before].join(',') : undefined,
    });
  }

  /** Info series for fingerprints now served, removal of those no longer served. */
  private publish(name: string, before: ReadonlySet<string>, after: ReadonlySet<string>, isNew: boolean): void {
    for (const f of before) if (!after.has(f)) this.recorder.toolDefinition(name, f, false);
    for (const f of after) if (!before.has(f)) this.recorder.toolDefinition(name, f, true);
    if (isNew) this.recorder.toolDefinitionTracked(name);
  }
}
