// The fault-injection request, shared by the admin API and the MCP_FAULTS variable:
// { tool? | resource?, latencyMs?, errorRate?, heapMb?, stallMs? } or an array of those.
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import { SAMPLE_RESOURCE_NAMES } from '../content.js';

/** Headroom kept below the V8 heap limit so a heap fault cannot crash the process outright. */
const HEAP_HEADROOM = 0.95;
export const MAX_LATENCY_MS = 60_000;
export const MAX_STALL_MS = 5_000;

export interface FaultSpec {
  tool?: string;
  /** A registered resource's name (SAMPLE_RESOURCE_NAMES): latency and errors for its resources/read. */
  resource?: string;
  latencyMs?: number;
  errorRate?: number;
  heapMb?: number;
  stallMs?: number;
}

export class FaultSpecError extends Error {}

function specSchema(toolNames: readonly string[]) {
  const maxHeapMb = Math.floor((getHeapStatistics().heap_size_limit / 2 ** 20) * HEAP_HEADROOM);
  return z.strictObject({
    tool: z.string().refine((t) => toolNames.includes(t), { message: `unknown tool; known tools: ${toolNames.join(', ')}` }).optional(),
    resource: z.enum(SAMPLE_RESOURCE_NAMES).optional(),
    latencyMs: z.number().int().min(0).max(MAX_LATENCY_MS).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    heapMb: z.number().int().min(0).max(maxHeapMb).optional(),
    stallMs: z.number().int().min(0).max(MAX_STALL_MS).optional(),
  }).refine((s) => !(s.tool && s.resource), { message: 'give tool or resource, not both' }).refine((s) => ['latencyMs', 'errorRate', 'heapMb', 'stallMs'].some((k) => k in s), {
    message: 'give at least one of latencyMs, errorRate, heapMb, stallMs',
  });
}

/** Validates a parsed JSON value; throws FaultSpecError naming each bad field. */
export function parseFaultSpecs(input: unknown, toolNames: readonly string[]): FaultSpec[] {
  const result = z.union([specSchema(toolNames), z.array(specSchema(toolNames)).min(1)]).safeParse(input);
  if (!result.success) {
    // A union's issues are nested; report the branch matching the input's shape.
    const branch = Array.isArray(input) ? z.array(specSchema(toolNames)).min(1) : specSchema(toolNames);
    const issues = branch.safeParse(input).error?.issues ?? result.error.issues;
    throw new FaultSpecError(issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; '));
  }
  return Array.isArray(result.data) ? result.data : [result.data];
}

/** Parses JSON text (the admin body or MCP_FAULTS) into fault specs. */
export function parseFaultJson(source: string, where: string, toolNames: readonly string[]): FaultSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    throw new FaultSpecError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  return parseFaultSpecs(value, toolNames);
}
