// A plan is a list of items, each saying what would change on one remote object and holding
// the closure that makes the change; dry runs print it, normal runs apply the mutating ones.
export type Target = 'folder' | 'dashboard' | 'grafana-rules' | 'ruler' | 'rules-file' | 'prometheus';

/**
 * create / update / delete change something; unchanged and keep (an owned dashboard no longer
 * generated, left alone without --prune) do not; conflict is a refusal reported as a failure.
 */
export type Action = 'create' | 'update' | 'delete' | 'unchanged' | 'keep' | 'conflict';

export interface PlanItem {
  target: Target;
  name: string;
  action: Action;
  /** Diff lines or notes shown under the item. */
  details: string[];
  apply?: () => Promise<void>;
}

export const CHANGES: ReadonlySet<Action> = new Set(['create', 'update', 'delete']);
