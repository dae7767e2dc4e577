import { ProcessRecord, RunRecord } from './processRecord';

/** One notification per burst: every record and run that changed since the last one. */
export interface ModelChange {
  readonly processes: readonly ProcessRecord[];
  readonly runs: readonly RunRecord[];
}

/**
 * Collects changes for `batchMs` and hands them on as one ModelChange: a burst
 * of 200 starts redraws the tree once, not 200 times.
 */
export class ChangeBatch {
  private readonly processes = new Set<ProcessRecord>();
  private readonly runs = new Set<RunRecord>();
  private timer: NodeJS.Timeout | undefined;
  private changes = 0;

  constructor(
    private readonly batchMs: number,
    private readonly deliver: (change: ModelChange) => void,
  ) {}

  /** Grows with every change: a reader can tell whether anything happened since it last looked. */
  get version(): number {
    return this.changes;
  }

  process(record: ProcessRecord): void {
    this.changes++;
    this.processes.add(record);
    this.schedule();
  }

  run(run: RunRecord): void {
    this.changes++;
    this.runs.add(run);
    this.schedule();
  }

  /** Sends what is pending now; with `force`, also when nothing is. */
  flush(force = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!force && this.processes.size === 0 && this.runs.size === 0) {
      return;
    }
    const change: ModelChange = { processes: [...this.processes], runs: [...this.runs] };
    this.processes.clear();
    this.runs.clear();
    this.deliver(change);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }
}
