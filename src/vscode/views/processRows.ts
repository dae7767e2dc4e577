// Which rows the Processes view shows, and under which row each one hangs. No `vscode` here:
// the unit tests read it directly (ProcessesView turns these nodes into tree items).
import { matchesFilter, ProcessFilter } from '../../core/filter/processFilter';
import { ProcessModel } from '../../core/model/processModel';
import { PoolRecord, ProcessRecord, RunRecord, ThreadRecord } from '../../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../../core/model/processTree';
import { gatherPools } from '../../core/model/pools';
import { currentWait } from '../../core/model/threadsAndWaits';
import type { DetailNode, ThreadNode } from './detailItems';
import { PoolNode, runsTask } from './poolRows';
import { diagnosisId, RunDiagnoses } from './runDiagnoses';
import { blockedSince, threadRows } from './threadRows';

/**
 * A node of the Processes view: a run, one of its processes (the model's own
 * objects), a pool that gathers its workers, or a row under a process: a
 * thread, a count of threads, a deadlock.
 */
export type ProcessesNode = RunRecord | ProcessRecord | PoolNode | DetailNode;

export const isRun = (node: ProcessesNode): node is RunRecord => 'command' in node;
export const isPool = (node: ProcessesNode): node is PoolNode => 'row' in node && node.row === 'pool';
export const isDetail = (node: ProcessesNode): node is DetailNode => 'row' in node && node.row !== 'pool';

/**
 * The rows of every run, as of the last `clear()`: the trees are built once
 * per refresh, and a row's object stays the same from one refresh to the next
 * (the tree knows a row by its object, and redraws one row by it).
 */
export class ProcessRows {
  /** What Filter Processes narrowed the view to. */
  filter: ProcessFilter | undefined;
  /** `proclens.showThreads`: the rows of threads under each process. */
  threadsShown: boolean;
  private forests = new Map<string, Map<string, ProcessTreeNode>>();
  /** Per refresh: each run's pools by id. */
  private pools = new Map<string, Map<string, PoolRecord>>();
  /** Per refresh: whether a process or something below it is shown. */
  private visibility = new Map<string, boolean>();
  /** One node per thread, for as long as the thread's record lives. */
  private readonly threadNodes = new WeakMap<ThreadRecord, ThreadNode>();
  private threadCount = 0;
  /** One node per pool and row it hangs under (the key of that process, or '' for the top of its run). */
  private readonly poolNodes = new WeakMap<PoolRecord, Map<string, PoolNode>>();

  constructor(
    private readonly model: ProcessModel,
    private readonly diagnoses: RunDiagnoses,
    /** `proclens.keepExited`, read at each refresh. */
    private readonly keepExited: () => boolean,
    threadsShown: boolean,
  ) {
    this.threadsShown = threadsShown;
  }

  /** The model changed: the trees are built again when next asked for. */
  clear(): void {
    this.forests.clear();
    this.pools.clear();
    this.visibility.clear();
  }

  childrenOf(node?: ProcessesNode): ProcessesNode[] {
    if (!node) {
      return this.model.runs().sort((a, b) => b.startedAt - a.startedAt);
    }
    if (isRun(node)) {
      return this.rowsUnder(node.id, undefined);
    }
    if (isPool(node)) {
      return this.shownChildren(node.pool.runId, node.parent).filter((r) => r.poolId === node.pool.id);
    }
    if (isDetail(node)) {
      return [];
    }
    // The deadlock first: it is what a person looking at a stuck process came for.
    return [...this.diagnosisNodes(node), ...this.threadNodesOf(node), ...this.rowsUnder(node.runId, node)];
  }

  parentOf(node: ProcessesNode): ProcessesNode | undefined {
    if (isRun(node)) {
      return undefined;
    }
    if (isDetail(node)) {
      return node.process;
    }
    if (isPool(node)) {
      return node.parent ?? this.model.run(node.pool.runId);
    }
    const parent = this.parentProcess(node);
    return this.poolNodeOf(node, parent) ?? parent ?? this.model.run(node.runId);
  }

  /**
   * The rows of this process whose text holds a growing time, redrawn each
   * second: its own (a wait, a task; a joining process's row names the child,
   * its main thread's row has the time), its pool's while it runs a task (the
   * pool says how long its longest task has run) and its blocked threads'.
   */
  growingRows(record: ProcessRecord): ProcessesNode[] {
    const rows: ProcessesNode[] = [];
    if ((record.state !== 'joining' && currentWait(record)) || runsTask(record)) {
      rows.push(record);
    }
    const pool = runsTask(record) ? this.poolNodeOf(record, this.parentProcess(record)) : undefined;
    if (pool) {
      rows.push(pool);
    }
    if (this.threadsShown) {
      rows.push(...record.threads.filter((thread) => blockedSince(record, thread) !== undefined).map((thread) => this.threadNode(record, thread)));
    }
    return rows;
  }

  private diagnosisNodes(record: ProcessRecord): DetailNode[] {
    return this.diagnoses.of(record).map((diagnosis) => ({ row: 'diagnosis', id: `${record.key}/${diagnosisId(diagnosis)}`, process: record, diagnosis }));
  }

  private threadNodesOf(record: ProcessRecord): DetailNode[] {
    if (!this.threadsShown) {
      return [];
    }
    return threadRows(record).map((row) => (row.row === 'thread' ? this.threadNode(record, row.thread) : { ...row, process: record }));
  }

  private threadNode(record: ProcessRecord, thread: ThreadRecord): ThreadNode {
    let node = this.threadNodes.get(thread);
    if (!node) {
      // A counter, not the thread id: Python reuses a thread id once its thread has ended.
      node = { row: 'thread', id: `${record.key}/thread-${++this.threadCount}`, process: record, thread };
      this.threadNodes.set(thread, node);
    }
    return node;
  }

  /** The rows of the processes under `parent` (the top of the run when undefined), pools gathered. */
  private rowsUnder(runId: string, parent: ProcessRecord | undefined): ProcessesNode[] {
    return gatherPools(this.shownChildren(runId, parent), (child) => this.poolNodeOf(child, parent));
  }

  /** The processes shown under `parent`, or at the top of the run, in start order. */
  private shownChildren(runId: string, parent: ProcessRecord | undefined): ProcessRecord[] {
    const forest = this.forest(runId);
    const nodes = parent
      ? (forest.get(parent.key)?.children ?? [])
      : [...forest.values()].filter((n) => !n.record.parentKey || !forest.has(n.record.parentKey));
    return nodes.map((n) => n.record).filter((r) => this.visible(r));
  }

  private parentProcess(record: ProcessRecord): ProcessRecord | undefined {
    return record.parentKey ? this.model.get(record.parentKey) : undefined;
  }

  /** The row of the pool a worker is drawn in, under `parent`; undefined when it is no worker of a known pool. */
  private poolNodeOf(record: ProcessRecord, parent: ProcessRecord | undefined): PoolNode | undefined {
    const pool = record.poolId === undefined ? undefined : this.poolsOf(record.runId).get(record.poolId);
    if (!pool) {
      return undefined;
    }
    let byParent = this.poolNodes.get(pool);
    if (!byParent) {
      this.poolNodes.set(pool, (byParent = new Map()));
    }
    const under = parent?.key ?? '';
    let node = byParent.get(under);
    if (!node) {
      node = { row: 'pool', id: `${parent?.key ?? pool.runId}/pool/${pool.id}`, pool, parent };
      byParent.set(under, node);
    }
    return node;
  }

  private poolsOf(runId: string): Map<string, PoolRecord> {
    let pools = this.pools.get(runId);
    if (!pools) {
      pools = new Map(this.model.poolsOf(runId).map((pool) => [pool.id, pool]));
      this.pools.set(runId, pools);
    }
    return pools;
  }

  /**
   * Shown when it passes the filter (and, with keepExited off, is not exited),
   * or when something below it is shown: the tree keeps its shape.
   */
  private visible(record: ProcessRecord): boolean {
    let shown = this.visibility.get(record.key);
    if (shown === undefined) {
      const passes = (this.keepExited() || record.state !== 'exited') && (!this.filter || matchesFilter(record, this.filter));
      shown = passes || (this.forest(record.runId).get(record.key)?.children ?? []).some((n) => this.visible(n.record));
      this.visibility.set(record.key, shown);
    }
    return shown;
  }

  /** The run's tree, built once per refresh: key → node. */
  private forest(runId: string): Map<string, ProcessTreeNode> {
    let nodes = this.forests.get(runId);
    if (!nodes) {
      nodes = new Map();
      const add = (list: ProcessTreeNode[]) =>
        list.forEach((n) => {
          nodes!.set(n.record.key, n);
          add(n.children);
        });
      add(buildProcessTree(this.model.processesOf(runId)));
      this.forests.set(runId, nodes);
    }
    return nodes;
  }
}
