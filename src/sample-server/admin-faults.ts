// The loopback-only fault-injection API: GET (current faults), POST (merge), DELETE (clear all).
import type { FaultState } from './faults/fault-state.js';
import { FaultSpecError, parseFaultJson, type FaultSpec } from './faults/fault-spec.js';
import type { AdminResource } from './admin-resource.js';
import { SAMPLE_TOOL_NAMES } from './tools/index.js';

export function faultsResource(faults: FaultState): AdminResource<FaultSpec[]> {
  return {
    subject: 'fault',
    snapshot: () => faults.snapshot(),
    reset: () => faults.clear(),
    parse(body) {
      try {
        return { change: parseFaultJson(body, 'request body', SAMPLE_TOOL_NAMES) };
      } catch (err) {
        if (err instanceof FaultSpecError) return { error: err.message };
        throw err;
      }
    },
    apply: (specs) => faults.apply(specs),
    resetLog: (snapshot) => ['faults cleared', { faults: snapshot }],
    applyLog: (specs, snapshot) => ['faults applied', { specs, faults: snapshot }],
  };
}
