// The tool definitions the sample server serves: the shipped tools, with descriptions the admin
// API may override and extra tools it may add (to drill tool poisoning and rug pulls). Every open
// McpServer is updated in place, so clients get notifications/tools/list_changed and the
// instrumentation sees the change at once; new sessions are built with the definitions in force.
// SDK 2.x servers live for one request (HTTP) or one connection (stdio): each is built with the
// definitions in force, so a change reaches the next one.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServer as McpServerV2, RegisteredTool as RegisteredToolV2 } from '@modelcontextprotocol/server';
import { text, type SampleTool } from './tools/tool.js';

export interface ToolDefinitionSnapshot {
  /** Shipped tools whose description is overridden. */
  descriptions: Record<string, string>;
  /** Tools added through the admin API, with their descriptions. */
  added: Record<string, string>;
}

export class ToolDefinitions {
  private readonly descriptions = new Map<string, string>();
  private readonly added = new Map<string, string>();
  /** Open servers and their registered tools by name. */
  private readonly servers = new Map<McpServer, Map<string, RegisteredTool>>();

  constructor(private readonly shipped: readonly SampleTool[]) {}

  /** Brings a freshly built server's tools in line with the definitions in force and keeps it updated while it is open. */
  attach(server: McpServer, registered: Map<string, RegisteredTool>): void {
    for (const [name, description] of this.descriptions) registered.get(name)?.update({ description });
    for (const [name, description] of this.added) registered.set(name, registerAdded(server, name, description));
    this.servers.set(server, registered);
    const onclose = server.server.onclose;
    server.server.onclose = () => {
      this.servers.delete(server);
      onclose?.();
    };
  }

  /** Brings a freshly built SDK 2.x server's tools in line with the definitions in force. */
  applyTo(server: McpServerV2, registered: Map<string, RegisteredToolV2>): void {
    for (const [name, description] of this.descriptions) registered.get(name)?.update({ description });
    for (const [name, description] of this.added) {
      server.registerTool(name, { description }, () => text(`${name} was added through the admin API and does nothing.`));
    }
  }

  /** Overrides a shipped tool's description, or adds (or re-describes) an extra tool. */
  set(name: string, description: string): void {
    const isShipped = this.shipped.some((t) => t.name === name);
    (isShipped ? this.descriptions : this.added).set(name, description);
    for (const [server, registered] of this.servers) {
      const tool = registered.get(name);
      if (tool) tool.update({ description });
      else registered.set(name, registerAdded(server, name, description));
    }
  }

  /** Restores every shipped description and removes added tools. */
  reset(): void {
    for (const registered of this.servers.values()) {
      for (const t of this.shipped) if (this.descriptions.has(t.name)) registered.get(t.name)?.update({ description: t.description });
      for (const name of this.added.keys()) {
        registered.get(name)?.remove();
        registered.delete(name);
      }
    }
    this.descriptions.clear();
    this.added.clear();
  }

  snapshot(): ToolDefinitionSnapshot {
    return { descriptions: Object.fromEntries(this.descriptions), added: Object.fromEntries(this.added) };
  }
}

function registerAdded(server: McpServer, name: string, description: string): RegisteredTool {
  return server.registerTool(name, { description }, () => text(`${name} was added through the admin API and does nothing.`));
}
