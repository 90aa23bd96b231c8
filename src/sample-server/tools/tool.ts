// The shape every sample tool module exports: a name plus a function that registers it on an
// McpServer, with the fault gate wrapped around its handler so injected faults hit every tool alike.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer as McpServerV2, RegisteredTool as RegisteredToolV2 } from '@modelcontextprotocol/server';
import { z } from 'zod';

import type { CallRef, Instrumentation } from '@mcp-observability/instrument';

/** What a tool may call back into: the instrumentation's usage reporting (given the call, it knows the tool). */
export type ToolContext = Pick<Instrumentation, 'reportTokens'>;

/** Runs before a tool's handler; may delay it or throw (fault injection). */
export type ToolGate = (tool: string) => Promise<void>;

export interface SampleTool {
  name: string;
  /** The description as shipped (the admin API can override it to drill definition drift). */
  description: string;
  register(server: McpServer, gate: ToolGate, context: ToolContext): RegisteredTool;
  /** The same tool on an SDK 2.x server. */
  registerV2(server: McpServerV2, gate: ToolGate, context: ToolContext): RegisteredToolV2;
}

export function defineTool<Shape extends z.ZodRawShape>(def: {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  /** `call` is the SDK handler's extra (session and request id): what reportTokens() finds the call by. */
  run(args: z.infer<z.ZodObject<Shape>>, context: ToolContext, call: CallRef): Promise<CallToolResult> | CallToolResult;
}): SampleTool {
  return {
    name: def.name,
    description: def.description,
    register(server, gate, context) {
      // Widened to ZodRawShape: the SDK's conditional callback type does not resolve on a generic shape.
      const inputSchema: z.ZodRawShape = def.inputSchema;
      return server.registerTool(def.name, { title: def.title, description: def.description, inputSchema },
        async (args: unknown, extra: CallRef) => {
          await gate(def.name);
          return def.run(args as z.infer<z.ZodObject<Shape>>, context, extra);
        });
    },
    registerV2(server, gate, context) {
      // SDK 2.x builds a server per stateless request, so request ids repeat across open calls; with the
      // tool named, tokens are still booked when the call cannot be told apart.
      const named: ToolContext = { reportTokens: (usage, call) => context.reportTokens({ tool: def.name, ...usage }, call) };
      return server.registerTool(def.name, { title: def.title, description: def.description, inputSchema: z.object(def.inputSchema) },
        async (args, ctx) => {
          await gate(def.name);
          return def.run(args as z.infer<z.ZodObject<Shape>>, named, { sessionId: ctx.sessionId, requestId: ctx.mcpReq.id });
        });
    },
  };
}

export const text = (body: string): CallToolResult => ({ content: [{ type: 'text', text: body }] });
/** A tool-level failure the caller can see and react to (CallToolResult.isError), not a protocol error. */
export const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });
