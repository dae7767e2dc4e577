// The Processes view's one-second redraw. No `vscode` here: the unit tests drive it directly.
import { ProcessModel } from '../../core/model/processModel';
import { ProcessRecord } from '../../core/model/processRecord';
import { ProcessesNode, ProcessRows } from './processRows';
import { waitTooYoungToJudge } from './runDiagnoses';
import { showsDuration } from './threadRows';

/** How often rows that show a growing time (a wait, a join, a task) are redrawn. */
export const TICK_MS = 1000;

export interface RowTickerOptions {
  /** Looks for deadlocks again at `now`; returns the processes whose deadlocks appeared, changed or went. */
  readonly updateDiagnoses: (now: number) => ProcessRecord[];
  /** Redraws these rows (and nothing else). */
  readonly redraw: (rows: ProcessesNode[]) => void;
  readonly now: () => number;
}

/**
 * Once a second, redraws the rows whose text holds a growing time (a wait's
 * `· 3.2 s`, a pool's longest task) and looks for deadlocks again while a
 * wait is too young to be one (a wait becomes one only by lasting). With no
 * such row and no such wait, no timer runs: 100 processes asleep under a
 * joining parent whose thread rows are hidden cost nothing between changes.
 */
export class RowTicker {
  /** Keys of the processes that wait, join or run a task: only their rows can hold a growing time. */
  private readonly blocked = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  private shown = true;

  constructor(
    private readonly model: ProcessModel,
    private readonly rows: ProcessRows,
    private readonly options: RowTickerOptions,
  ) {}

  /** The model changed these records (the tree redraws them itself). */
  changed(records: readonly ProcessRecord[]): void {
    for (const record of records) {
      if (this.model.get(record.key) !== undefined && showsDuration(record)) {
        this.blocked.add(record.key);
      } else {
        this.blocked.delete(record.key);
      }
    }
    this.tickWhileNeeded();
  }

  /** The view was shown or hidden: a hidden view is not redrawn each second. */
  set onScreen(shown: boolean) {
    this.shown = shown;
    if (shown && this.blocked.size > 0) {
      // While hidden, no wait was judged by its age, and a deadlock need not be on a row that counts
      // the seconds: the first tick catches up, and decides on the next.
      this.ticker ??= setInterval(() => this.tick(), TICK_MS);
    } else {
      this.tickWhileNeeded();
    }
  }

  /** The rows changed without the model (threads shown or hidden): which of them grow may have too. */
  rowsChanged(): void {
    this.tickWhileNeeded();
  }

  dispose(): void {
    clearInterval(this.ticker);
  }

  private tickWhileNeeded(): void {
    const now = this.options.now();
    this.keepTicking(this.shown && [...this.blocked].some((key) => this.needsTick(this.model.get(key), now)));
  }

  private keepTicking(needed: boolean): void {
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** A row of it shows a growing time, or one of its waits may yet become a deadlock. */
  private needsTick(record: ProcessRecord | undefined, now: number): boolean {
    return record !== undefined && (this.rows.growingRows(record).length > 0 || waitTooYoungToJudge(record, now));
  }

  /**
   * Redraws the rows whose text holds a growing time, and the processes whose
   * deadlocks changed; nothing else.
   */
  private tick(): void {
    // One clock for both: a wait judged too young to be a deadlock must have been judged so at that time.
    const now = this.options.now();
    const rows: ProcessesNode[] = [...this.options.updateDiagnoses(now)];
    let needed = false;
    for (const key of this.blocked) {
      const record = this.model.get(key);
      if (!record || !showsDuration(record)) {
        this.blocked.delete(key);
        continue;
      }
      const growing = this.rows.growingRows(record);
      rows.push(...growing);
      needed ||= growing.length > 0 || waitTooYoungToJudge(record, now);
    }
    this.keepTicking(needed && this.shown);
    if (rows.length) {
      // Once each: a pool with four workers busy is one row to redraw.
      this.options.redraw([...new Set(rows)]);
    }
  }
}
