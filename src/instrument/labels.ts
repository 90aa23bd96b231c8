// Bounded label values. Method, tool, prompt, client and error-code values arrive from clients;
// only values from a known set become labels, everything else collapses to OVERFLOW_VALUE, so a
// hostile or hallucinating client cannot grow the number of series.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { OVERFLOW_VALUE, PROTOCOL_VERSIONS } from '@mcp-observability/catalog';
import { TASK_NOTIFICATION_METHOD } from './agent-convention.js';

/** mcp.method.name well-known values (OpenTelemetry registry) plus newer spec methods and our task notification. */
const KNOWN_METHODS = new Set([
  'initialize', 'notifications/initialized', 'ping', 'notifications/cancelled', 'notifications/progress',
  'notifications/message', 'tools/list', 'tools/call', 'notifications/tools/list_changed', 'prompts/list', 'prompts/get',
  'notifications/prompts/list_changed', 'resources/list', 'resources/templates/list', 'resources/read',
  'resources/subscribe', 'resources/unsubscribe', 'notifications/resources/list_changed', 'notifications/resources/updated',
  'completion/complete', 'logging/setLevel', 'sampling/createMessage', 'elicitation/create', 'roots/list',
  'notifications/roots/list_changed', 'tasks/get', 'tasks/result', 'tasks/list', 'tasks/cancel',
  'notifications/tasks/status', 'notifications/elicitation/complete', TASK_NOTIFICATION_METHOD,
  // 2026-07-28
  'server/discover', 'subscriptions/listen', 'notifications/subscriptions/acknowledged',
]);

export function methodLabel(method: unknown): string {
  return typeof method === 'string' && KNOWN_METHODS.has(method) ? method : OVERFLOW_VALUE;
}

const KNOWN_VERSIONS: ReadonlySet<string> = new Set(PROTOCOL_VERSIONS);

/** A protocol version as a label: the published revisions; anything a client makes up is OVERFLOW_VALUE. */
export function protocolVersionLabel(version: unknown): string {
  return typeof version === 'string' && KNOWN_VERSIONS.has(version) ? version : OVERFLOW_VALUE;
}

/** JSON-RPC codes a server legitimately answers with: the standard ones and the implementation-defined range. */
export function codeLabel(code: unknown): string {
  if (typeof code !== 'number' || !Number.isInteger(code)) return OVERFLOW_VALUE;
  const standard = code >= -32603 && code <= -32600;
  return standard || code === -32700 || (code >= -32099 && code <= -32000) ? String(code) : OVERFLOW_VALUE;
}

/** The shape of McpServer's registry that we read (private in the SDK; checked at registration). */
interface ToolRegistryShape {
  _registeredTools: Record<string, { enabled?: boolean }>;
  _registeredPrompts: Record<string, { enabled?: boolean }>;
  _registeredResources?: Record<string, unknown>;
  _registeredResourceTemplates?: Record<string, { resourceTemplate: { uriTemplate: { match(uri: string): unknown; toString(): string } } }>;
}

/** Static resource URIs learned from resources/list results at most (lists may name every file of a store). */
const MAX_LEARNED_RESOURCES = 100;

/**
 * A matcher for an RFC 6570 URI template as resource lists announce it: `{var}` matches one path
 * segment, `{+var}` / `{#var}` anything, other operators anything up to the next literal.
 */
function templatePattern(template: string): RegExp {
  let source = '';
  let last = 0;
  for (const m of template.matchAll(/\{([+#./;?&]?)[^}]*\}/g)) {
    source += template.slice(last, m.index).replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    source += m[1] === '+' || m[1] === '#' ? '.*' : m[1] === '' ? '[^/?#]*' : '.*?';
    last = m.index + m[0].length;
  }
  source += template.slice(last).replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${source}$`);
}

function registryOf(server: McpServer): ToolRegistryShape {
  const shape = server as unknown as Partial<ToolRegistryShape>;
  if (typeof shape._registeredTools !== 'object' || typeof shape._registeredPrompts !== 'object') {
    throw new Error('instrumentation: this McpServer does not expose its tool registry (SDK 1.x expected); pass `tools: [...names]` instead');
  }
  return shape as ToolRegistryShape;
}

/**
 * Which tool and prompt names are registered on the server. Sources, all read live so tools added
 * later are covered: McpServer instances (their registry, the exact truth), an explicit list (for
 * low-level `Server` users), and every tools/list or prompts/list result the server sends (the
 * server's own public declaration). Client requests never add names.
 */
export class RegisteredNames {
  private readonly servers = new Set<ToolRegistryShape>();
  private readonly tools = new Set<string>();
  private readonly prompts = new Set<string>();
  private readonly resources = new Set<string>();
  private readonly templates = new Map<string, RegExp>();
  /** Static URIs learned from resources/list results so far. */
  private learned = 0;

  /**
   * Returns the release to call when the server's session ends: an HTTP server builds one McpServer
   * per session, and keeping them all would leak memory and slow every lookup.
   */
  addServer(server: McpServer): () => void {
    const registry = registryOf(server);
    this.servers.add(registry);
    return () => this.servers.delete(registry);
  }

  addTools(names: Iterable<string>): void {
    for (const n of names) this.tools.add(n);
  }

  addPrompts(names: Iterable<string>): void {
    for (const n of names) this.prompts.add(n);
  }

  /** Static resource URIs and URI templates (`{var}` in them marks a template), as configured. */
  addResources(uris: Iterable<string>): void {
    for (const u of uris) {
      if (u.includes('{')) {
        if (!this.templates.has(u)) this.templates.set(u, templatePattern(u));
      } else {
        this.resources.add(u);
      }
    }
  }

  /**
   * URIs and templates from the server's resources/list and resources/templates/list results. A
   * list may name every file of a store, unlike tools/list: only the first MAX_LEARNED_RESOURCES
   * static URIs become label values (templates are few and always kept).
   */
  learnResources(uris: Iterable<string>): void {
    for (const u of uris) {
      if (u.includes('{') || this.resources.has(u)) this.addResources([u]);
      else if (this.learned < MAX_LEARNED_RESOURCES) {
        this.learned++;
        this.resources.add(u);
      }
    }
  }

  hasTool(name: string): boolean {
    if (this.tools.has(name)) return true;
    for (const s of this.servers) if (Object.hasOwn(s._registeredTools, name)) return true;
    return false;
  }

  hasPrompt(name: string): boolean {
    if (this.prompts.has(name)) return true;
    for (const s of this.servers) if (Object.hasOwn(s._registeredPrompts, name)) return true;
    return false;
  }

  toolLabel(name: unknown): string {
    return typeof name === 'string' && this.hasTool(name) ? name : OVERFLOW_VALUE;
  }

  promptLabel(name: unknown): string {
    return typeof name === 'string' && this.hasPrompt(name) ? name : OVERFLOW_VALUE;
  }

  /**
   * The registered URI a resources/read names, else the URI template it matches, else
   * OVERFLOW_VALUE. The McpServer registries decide first, as the SDK does when it picks the
   * handler: an instance of a template that resources/list also names is labelled by its template.
   */
  resourceLabel(uri: unknown): string {
    if (typeof uri !== 'string') return OVERFLOW_VALUE;
    for (const s of this.servers) if (s._registeredResources && Object.hasOwn(s._registeredResources, uri)) return uri;
    for (const s of this.servers) {
      for (const t of Object.values(s._registeredResourceTemplates ?? {})) {
        const template = t.resourceTemplate.uriTemplate;
        if (template.match(uri)) return template.toString();
      }
    }
    if (this.resources.has(uri)) return uri;
    for (const [template, pattern] of this.templates) if (pattern.test(uri)) return template;
    return OVERFLOW_VALUE;
  }
}

/**
 * Client names (clientInfo.name): the configured ones, then the first `capacity` distinct names
 * seen that `admissible` accepts (nothing a redaction detector finds in it: a label value is kept
 * whole or not at all); other newcomers are OVERFLOW_VALUE.
 */
export class ClientNames {
  private readonly admitted: Set<string>;
  constructor(configured: readonly string[], private readonly capacity: number, private readonly admissible: (name: string) => boolean) {
    this.admitted = new Set(configured);
  }

  label(name: unknown): string {
    if (typeof name !== 'string' || name === '') return OVERFLOW_VALUE;
    const clipped = name.slice(0, 64);
    if (this.admitted.has(clipped)) return clipped;
    if (this.admitted.size >= this.capacity || !this.admissible(name) || !this.admissible(clipped)) return OVERFLOW_VALUE;
    this.admitted.add(clipped);
    return clipped;
  }
}
