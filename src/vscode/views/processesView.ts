import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, PoolRecord, ProcessRecord } from '../../core/model/processRecord';
import { ProcessFilter } from '../../core/filter/processFilter';
import { RunSessions } from '../runs/runSessions';
import { settings } from '../settings';
import { countTreeItem, diagnosisTooltip, diagnosisTreeItem, threadTooltip, threadTreeItem } from './detailItems';
import { poolTooltip, poolTreeItem } from './poolItems';
import { PoolNode, PoolRow, poolRow } from './poolRows';
import { processTooltip, processTreeItem, runTreeItem } from './processItems';
import { isDetail, isPool, isRun, ProcessesNode, ProcessRows } from './processRows';
import { RowTicker } from './rowTicker';
import { RunDiagnoses } from './runDiagnoses';

/**
 * Runs at the top, newest first; under each, its processes as a tree. The
 * model notifies once per burst; this view refreshes at most every
 * `refreshMs`, so a burst of 200 children is one repaint, and a scan that
 * changed nothing none. While a row shows how long something has waited,
 * that row alone is redrawn every second (see RowTicker); otherwise nothing runs.
 */
export class ProcessesView implements vscode.TreeDataProvider<ProcessesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProcessesNode | ProcessesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly diagnosesChanged = new vscode.EventEmitter<ProcessRecord[]>();
  /** The processes whose deadlocks appeared, changed or went (their rows' decorations change). */
  readonly onDidChangeDiagnoses = this.diagnosesChanged.event;
  private readonly rows: ProcessRows;
  private readonly ticker: RowTicker;
  private timer: NodeJS.Timeout | undefined;
  /** Per process row: whether it was last drawn without children, and how often it has gained some. */
  private readonly rowShapes = new Map<string, { leaf: boolean; grown: number }>();

  constructor(
    private readonly model: ProcessModel,
    /** A run's label, and how it was asked for (its hover shows where and with what it runs). */
    private readonly runs: Pick<RunSessions, 'label' | 'request'>,
    private readonly diagnoses: RunDiagnoses,
    private readonly refreshMs = 50,
    private readonly now: () => number = Date.now,
  ) {
    this.rows = new ProcessRows(model, diagnoses, () => settings.keepExited, settings.showThreads);
    this.ticker = new RowTicker(model, this.rows, {
      updateDiagnoses: (now) => this.updateDiagnoses(now),
      redraw: (rows) => this.changed.fire(rows),
      now,
    });
    model.on('change', ({ processes }) => {
      for (const record of processes) {
        if (this.model.get(record.key) === undefined) {
          this.rowShapes.delete(record.key);
        }
      }
      this.ticker.changed(processes);
      this.refreshSoon();
    });
  }

  /** `proclens.showThreads`: the rows of threads under each process. */
  set showThreads(shown: boolean) {
    if (shown !== this.rows.threadsShown) {
      this.rows.threadsShown = shown;
      this.refresh();
      this.ticker.rowsChanged();
    }
  }

  /** The view was shown or hidden: a hidden view is not redrawn each second. */
  set onScreen(shown: boolean) {
    this.ticker.onScreen = shown;
  }

  get filter(): ProcessFilter | undefined {
    return this.rows.filter;
  }

  set filter(filter: ProcessFilter | undefined) {
    this.rows.filter = filter;
    this.refresh();
  }

  refreshSoon(): void {
    this.timer ??= setTimeout(() => this.refresh(), this.refreshMs);
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.rows.clear();
    this.updateDiagnoses(this.now());
    this.changed.fire(undefined);
  }

  getTreeItem(node: ProcessesNode): vscode.TreeItem {
    if (isRun(node)) {
      return runTreeItem(node, this.runs.label(node), this.model.os, this.runs.request(node.id));
    }
    if (isPool(node)) {
      return poolTreeItem(node, this.poolRow(node));
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
    if (isPool(node)) {
      item.tooltip = poolTooltip(this.poolRow(node));
    } else if (!isDetail(node)) {
      const pool = node.poolId !== undefined ? this.model.poolsOf(node.runId).find((p) => p.id === node.poolId) : undefined;
      item.tooltip = processTooltip(node, {
        parent: node.parentKey ? this.model.get(node.parentKey) : undefined,
        now: this.now(),
        diagnoses: this.diagnoses.of(node),
        nameOf: this.diagnoses.nameOf(node.runId),
        pool: pool && { record: pool, creator: this.creatorOf(pool) },
        os: this.model.os,
        lister: this.model.run(node.runId)?.lister,
      });
    } else if (node.row === 'thread') {
      item.tooltip = threadTooltip(node.thread);
    } else if (node.row === 'diagnosis') {
      item.tooltip = diagnosisTooltip(node, this.diagnoses.nameOf(node.process.runId), this.now());
    }
    return item;
  }

  getChildren(node?: ProcessesNode): ProcessesNode[] {
    return this.rows.childrenOf(node);
  }

  getParent(node: ProcessesNode): ProcessesNode | undefined {
    return this.rows.parentOf(node);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.ticker.dispose();
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

  private poolRow(node: PoolNode): PoolRow {
    const { pool } = node;
    return poolRow(pool, this.model.processesOf(pool.runId), this.creatorOf(pool), this.now(), vscode.l10n.t);
  }

  private creatorOf(pool: PoolRecord): ProcessRecord | undefined {
    return pool.creatorKey !== undefined ? this.model.get(pool.creatorKey) : undefined;
  }

  private joiningName(record: ProcessRecord): string | undefined {
    return record.joiningPid !== undefined ? this.model.find(record.runId, record.joiningPid)?.name : undefined;
  }

  private updateDiagnoses(now: number): ProcessRecord[] {
    const changed = this.diagnoses.update(now);
    if (changed.length) {
      this.diagnosesChanged.fire(changed);
    }
    return changed;
  }
}

export const liveProcesses = (model: ProcessModel) => model.all().filter(isAlive);
