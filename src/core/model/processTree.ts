import { ProcessRecord } from './processRecord';

export interface ProcessTreeNode {
  readonly record: ProcessRecord;
  readonly children: ProcessTreeNode[];
}

/**
 * Arranges one run's records as a forest: each under the process that
 * started it (Python's parent, so an orphan stays under its original parent),
 * siblings in the order they started.
 */
export function buildProcessTree(records: readonly ProcessRecord[]): ProcessTreeNode[] {
  const nodes = new Map<string, ProcessTreeNode>();
  for (const record of records) {
    nodes.set(record.key, { record, children: [] });
  }
  const roots: ProcessTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.record.parentKey ? nodes.get(node.record.parentKey) : undefined;
    (parent && parent !== node ? parent.children : roots).push(node);
  }
  const byStart = (a: ProcessTreeNode, b: ProcessTreeNode) =>
    (a.record.startedAt ?? Infinity) - (b.record.startedAt ?? Infinity) || a.record.pid - b.record.pid;
  const sort = (list: ProcessTreeNode[]) => {
    list.sort(byStart);
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** Every node below `node`, depth first, children before their parent. */
export function descendantsFirst(node: ProcessTreeNode): ProcessRecord[] {
  return [...node.children.flatMap(descendantsFirst), node.record];
}
