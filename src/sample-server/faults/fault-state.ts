// The faults in force: per-tool (or all-tool) latency and error rate, heap ballast and periodic
// event-loop stalls. Requests merge into the current state; clear() removes everything.
import { resourceGateKey } from '../content.js';
import { EventLoopStall } from './event-loop-stall.js';
import type { FaultSpec } from './fault-spec.js';
import { HeapBallast } from './heap-ballast.js';

export interface ToolFaults {
  latencyMs?: number;
  errorRate?: number;
}

export interface FaultSnapshot {
  /** Faults for every tool; a tool's own entry overrides field by field. */
  all: ToolFaults;
  tools: Record<string, ToolFaults>;
  heapMb: number;
  stallMs: number;
}

/** The error a tool (or resource) throws when an injected fault fires; the SDK turns it into an isError result (a -32603 error for a resource). */
export class InjectedFault extends Error {
  constructor(tool: string) {
    super(`injected fault: ${tool} failed (fault injection is active)`);
  }
}

export class FaultState {
  private all: ToolFaults = {};
  private tools: Record<string, ToolFaults> = {};
  private heap = new HeapBallast();
  private stall = new EventLoopStall();

  constructor(private readonly random: () => number = Math.random) {}

  apply(specs: readonly FaultSpec[]): void {
    for (const { tool, resource, latencyMs, errorRate, heapMb, stallMs } of specs) {
      const key = resource === undefined ? tool : resourceGateKey(resource);
      const target = key === undefined ? this.all : (this.tools[key] ??= {});
      if (latencyMs !== undefined) target.latencyMs = latencyMs;
      if (errorRate !== undefined) target.errorRate = errorRate;
      if (heapMb !== undefined) this.heap.resize(heapMb);
      if (stallMs !== undefined) this.stall.set(stallMs);
    }
  }

  clear(): void {
    this.all = {};
    this.tools = {};
    this.heap.release();
    this.stall.set(0);
  }

  snapshot(): FaultSnapshot {
    return { all: { ...this.all }, tools: structuredClone(this.tools), heapMb: this.heap.megabytes, stallMs: this.stall.stallMs };
  }

  /** Runs before every tool handler: waits the injected latency, then fails at the injected rate. */
  readonly gate = async (tool: string): Promise<void> => {
    const own = this.tools[tool] ?? {};
    await this.inject(tool, own.latencyMs ?? this.all.latencyMs ?? 0, own.errorRate ?? this.all.errorRate ?? 0);
  };

  /** Runs before every resource handler: only faults aimed at that resource apply (all-tool faults leave resources alone). */
  readonly resourceGate = async (resource: string): Promise<void> => {
    const key = resourceGateKey(resource);
    const own = this.tools[key] ?? {};
    await this.inject(key, own.latencyMs ?? 0, own.errorRate ?? 0);
  };

  private async inject(target: string, latencyMs: number, errorRate: number): Promise<void> {
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (errorRate > 0 && this.random() < errorRate) throw new InjectedFault(target);
  }
}
