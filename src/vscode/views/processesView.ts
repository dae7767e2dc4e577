import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../../core/model/processTree';
import { matchesFilter, ProcessFilter } from '../../core/filter/processFilter';
import { settings } from '../settings';
import { processTooltip, processTreeItem, runTreeItem } from './processItems';

/** A node of the Processes view: a run, or one of its processes (the model's own objects). */
export type ProcessesNode = RunRecord | ProcessRecord;

export const isRun = (node: ProcessesNode): node is RunRecord => 'command' in node;

/**
 * Runs at the top, newest first; under each, its processes as a tree. The
 * model notifies once per burst; this view refreshes at most every
 * `refreshMs`, so a burst of 200 children is one repaint.
 */
export class ProcessesView implements vscode.TreeDataProvider<ProcessesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProcessesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private forests = new Map<string, Map<string, ProcessTreeNode>>();
  /** Per refresh: whether a process or something below it is shown. */
  private visibility = new Map<string, boolean>();
  private currentFilter: ProcessFilter | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: ProcessModel,
    private readonly runLabel: (run: RunRecord) => string,
    private readonly refreshMs = 50,
  ) {
    model.on('change', () => this.refreshSoon());
  }

  refreshSoon(): void {
    this.timer ??= setTimeout(() => this.refresh(), this.refreshMs);
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.forests.clear();
    this.visibility.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ProcessesNode): vscode.TreeItem {
    if (isRun(node)) {
      return runTreeItem(node, this.runLabel(node));
    }
    const joining = node.joiningPid !== undefined ? this.model.find(node.runId, node.joiningPid)?.name : undefined;
    return processTreeItem(node, joining, this.childrenOf(node).length > 0);
  }

  resolveTreeItem(item: vscode.TreeItem, node: ProcessesNode): vscode.TreeItem {
    if (!isRun(node)) {
      item.tooltip = processTooltip(node, node.parentKey ? this.model.get(node.parentKey) : undefined);
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
    return this.childrenOf(node);
  }

  getParent(node: ProcessesNode): ProcessesNode | undefined {
    if (isRun(node)) {
      return undefined;
    }
    return (node.parentKey && this.model.get(node.parentKey)) || this.model.run(node.runId);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
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
