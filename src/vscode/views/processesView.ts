import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, ProcessRecord, RunRecord, ThreadRecord } from '../../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../../core/model/processTree';
import { currentWait } from '../../core/model/threadsAndWaits';
import { matchesFilter, ProcessFilter } from '../../core/filter/processFilter';
import { settings } from '../settings';
import { countTreeItem, DetailNode, diagnosisTooltip, diagnosisTreeItem, ThreadNode, threadTooltip, threadTreeItem } from './detailItems';
import { processTooltip, processTreeItem, runTreeItem } from './processItems';
import { diagnosisId, RunDiagnoses } from './runDiagnoses';
import { blockedSince, showsDuration, threadRows } from './threadRows';

/**
 * A node of the Processes view: a run, one of its processes (the model's own
 * objects), or a row under a process: a thread, a count of threads, a deadlock.
 */
export type ProcessesNode = RunRecord | ProcessRecord | DetailNode;

export const isRun = (node: ProcessesNode): node is RunRecord => 'command' in node;
export const isDetail = (node: ProcessesNode): node is DetailNode => 'row' in node;

/** How often rows that show a growing time (a wait, a join) are redrawn. */
const TICK_MS = 1000;

/**
 * Runs at the top, newest first; under each, its processes as a tree. The
 * model notifies once per burst; this view refreshes at most every
 * `refreshMs`, so a burst of 200 children is one repaint. While a row shows
 * how long something has waited, that row alone is redrawn every second
 * (and the deadlocks looked for again); with nothing waiting, nothing runs.
 */
export class ProcessesView implements vscode.TreeDataProvider<ProcessesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProcessesNode | ProcessesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly diagnosesChanged = new vscode.EventEmitter<ProcessRecord[]>();
  /** The processes whose deadlocks appeared, changed or went (their rows' decorations change). */
  readonly onDidChangeDiagnoses = this.diagnosesChanged.event;
  private forests = new Map<string, Map<string, ProcessTreeNode>>();
  /** Per refresh: whether a process or something below it is shown. */
  private visibility = new Map<string, boolean>();
  private currentFilter: ProcessFilter | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Keys of the processes with a row that shows a growing time. */
  private readonly ticking = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  private shown = true;
  private threadsShown = settings.showThreads;
  /** One node per thread, for as long as the thread's record lives: the tree knows a row by its object. */
  private readonly threadNodes = new WeakMap<ThreadRecord, ThreadNode>();
  private threadCount = 0;
  /** Per process row: whether it was last drawn without children, and how often it has gained some. */
  private readonly rowShapes = new Map<string, { leaf: boolean; grown: number }>();

  constructor(
    private readonly model: ProcessModel,
    private readonly runLabel: (run: RunRecord) => string,
    private readonly diagnoses: RunDiagnoses,
    private readonly refreshMs = 50,
    private readonly now: () => number = Date.now,
  ) {
    model.on('change', ({ processes }) => {
      for (const record of processes) {
        const kept = this.model.get(record.key) !== undefined;
        if (kept && showsDuration(record)) {
          this.ticking.add(record.key);
        } else {
          this.ticking.delete(record.key);
        }
        if (!kept) {
          this.rowShapes.delete(record.key);
        }
      }
      this.tickWhileNeeded();
      this.refreshSoon();
    });
  }

  /** `proclens.showThreads`: the rows of threads under each process. */
  set showThreads(shown: boolean) {
    if (shown !== this.threadsShown) {
      this.threadsShown = shown;
      this.refresh();
    }
  }

  /** The view was shown or hidden: a hidden view is not redrawn each second. */
  set onScreen(shown: boolean) {
    this.shown = shown;
    this.tickWhileNeeded();
  }

  refreshSoon(): void {
    this.timer ??= setTimeout(() => this.refresh(), this.refreshMs);
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.forests.clear();
    this.visibility.clear();
    this.updateDiagnoses();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ProcessesNode): vscode.TreeItem {
    if (isRun(node)) {
      return runTreeItem(node, this.runLabel(node));
    }
    if (isDetail(node)) {
      switch (node.row) {
        case 'thread':
          return threadTreeItem(node, this.joiningName(node.process), this.now());
        case 'diagnosis':
          return diagnosisTreeItem(node, this.diagnoses.nameOf(node.process.runId));
        default:
          return countTreeItem(node);
      }
    }
    const hasChildren = this.getChildren(node).length > 0;
    const item = processTreeItem(node, this.joiningName(node), hasChildren, this.now());
    item.id = this.rowId(node, hasChildren);
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ProcessesNode): vscode.TreeItem {
    if (isRun(node)) {
      return item;
    }
    if (!isDetail(node)) {
      item.tooltip = processTooltip(node, {
        parent: node.parentKey ? this.model.get(node.parentKey) : undefined,
        now: this.now(),
        diagnoses: this.diagnoses.of(node),
        nameOf: this.diagnoses.nameOf(node.runId),
      });
    } else if (node.row === 'thread') {
      item.tooltip = threadTooltip(node.thread);
    } else if (node.row === 'diagnosis') {
      item.tooltip = diagnosisTooltip(node, this.diagnoses.nameOf(node.process.runId), this.now());
    }
    return item;
  }

  getChildren(node?: ProcessesNode): ProcessesNode[] {
    if (!node) {
      return this.model.runs().sort((a, b) => b.startedAt - a.startedAt);
    }
    if (isRun(node)) {
      const forest = this.forest(node.id);
      const roots = [...forest.values()].filter((n) => !n.record.parentKey || !forest.has(n.record.parentKey));
      return roots.map((n) => n.record).filter((r) => this.visible(r));
    }
    if (isDetail(node)) {
      return [];
    }
    // The deadlock first: it is what a person looking at a stuck process came for.
    return [...this.diagnosisNodes(node), ...this.threadNodesOf(node), ...this.childrenOf(node)];
  }

  getParent(node: ProcessesNode): ProcessesNode | undefined {
    if (isRun(node)) {
      return undefined;
    }
    if (isDetail(node)) {
      return node.process;
    }
    return (node.parentKey && this.model.get(node.parentKey)) || this.model.run(node.runId);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    this.changed.dispose();
    this.diagnosesChanged.dispose();
  }

  /**
   * The tree keeps the first shape it saw of a row: one first drawn without
   * children stays collapsed when a child, a thread or a deadlock warning
   * comes under it. Such a row gets a new id then, so it comes expanded, as
   * every row with children does.
   */
  private rowId(record: ProcessRecord, hasChildren: boolean): string {
    const shape = this.rowShapes.get(record.key) ?? { leaf: !hasChildren, grown: 0 };
    if (hasChildren && shape.leaf) {
      shape.grown++;
    }
    shape.leaf = !hasChildren;
    this.rowShapes.set(record.key, shape);
    return shape.grown ? `${record.key}~${shape.grown}` : record.key;
  }

  private joiningName(record: ProcessRecord): string | undefined {
    return record.joiningPid !== undefined ? this.model.find(record.runId, record.joiningPid)?.name : undefined;
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

  private updateDiagnoses(): ProcessRecord[] {
    const changed = this.diagnoses.update(this.now());
    if (changed.length) {
      this.diagnosesChanged.fire(changed);
    }
    return changed;
  }

  private tickWhileNeeded(): void {
    const needed = this.shown && this.ticking.size > 0;
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /**
   * Redraws the rows whose text holds a growing time, and the processes whose
   * deadlocks changed (a wait becomes one by lasting); nothing else.
   */
  private tick(): void {
    const rows: ProcessesNode[] = [...this.updateDiagnoses()];
    for (const key of this.ticking) {
      const record = this.model.get(key);
      if (!record || !showsDuration(record)) {
        this.ticking.delete(key);
        continue;
      }
      // A joining process's row names the child, not a time; its main thread's row has the time.
      if (record.state !== 'joining' && currentWait(record)) {
        rows.push(record);
      }
      if (this.threadsShown) {
        rows.push(...record.threads.filter((thread) => blockedSince(record, thread) !== undefined).map((thread) => this.threadNode(record, thread)));
      }
    }
    this.tickWhileNeeded();
    if (rows.length) {
      this.changed.fire(rows);
    }
  }

  private childrenOf(record: ProcessRecord): ProcessRecord[] {
    return (this.forest(record.runId).get(record.key)?.children ?? []).map((n) => n.record).filter((r) => this.visible(r));
  }

  get filter(): ProcessFilter | undefined {
    return this.currentFilter;
  }

  set filter(filter: ProcessFilter | undefined) {
    this.currentFilter = filter;
    this.refresh();
  }

  /**
   * Shown when it passes the filter (and, with keepExited off, is not exited),
   * or when something below it is shown: the tree keeps its shape.
   */
  private visible(record: ProcessRecord): boolean {
    let shown = this.visibility.get(record.key);
    if (shown === undefined) {
      const passes = (settings.keepExited || record.state !== 'exited') && (!this.currentFilter || matchesFilter(record, this.currentFilter));
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

export const liveProcesses = (model: ProcessModel) => model.all().filter(isAlive);
