import { ChangeBatch } from './changeBatch';
import { OsFamily } from './exitCodes';
import { START_TIME_SLACK_MS } from './membership';
import { PoolRecord, ProcessKind, ProcessRecord, RunRecord } from './processRecord';

/**
 * The records and runs, with the indexes every query needs (by run, by pid,
 * by parent), so that no query walks every record of every run. Exited
 * records are kept up to `exitedLimit`; beyond it the oldest are forgotten,
 * so a day of runs holds bounded memory.
 */
export class ModelStore {
  private readonly records = new Map<string, ProcessRecord>();
  private readonly runRecords = new Map<string, RunRecord>();
  /** runId → its records, in the order they were first heard of. */
  private readonly byRun = new Map<string, Set<ProcessRecord>>();
  /** runId → pid → the newest record with that pid. */
  private readonly byPid = new Map<string, Map<number, ProcessRecord>>();
  /** parentKey → the records drawn under it. */
  private readonly byParent = new Map<string, Set<ProcessRecord>>();
  /** runId → its process pools, by id, in the order they were created. */
  private readonly poolsByRun = new Map<string, Map<string, PoolRecord>>();
  /** Exited records, oldest exit first (a Set keeps insertion order). */
  private readonly exited = new Set<ProcessRecord>();
  private nextKey = 1;

  constructor(
    readonly changes: ChangeBatch,
    readonly now: () => number,
    private readonly exitedLimit: number,
    /** The OS the run's programs run on: what an exit code or a vanished process means. */
    readonly os: OsFamily = 'posix',
  ) {}

  runs(): RunRecord[] {
    return [...this.runRecords.values()];
  }

  run(runId: string): RunRecord | undefined {
    return this.runRecords.get(runId);
  }

  get(key: string | undefined): ProcessRecord | undefined {
    return key === undefined ? undefined : this.records.get(key);
  }

  all(): ProcessRecord[] {
    return [...this.records.values()];
  }

  processesOf(runId: string): ProcessRecord[] {
    return [...(this.byRun.get(runId) ?? [])];
  }

  /** The newest record of this pid in the run, whatever its state. */
  find(runId: string, pid: number): ProcessRecord | undefined {
    return this.byPid.get(runId)?.get(pid);
  }

  /**
   * The record of the process that had this pid at `time` (a tracer
   * message's time): the newest one that had started by then. News can
   * arrive after the pid was reused, and must not land on the newcomer.
   */
  findAt(runId: string, pid: number, time: number): ProcessRecord | undefined {
    const startedBy = (record: ProcessRecord) => (record.osStartTime ?? record.startedAt ?? -Infinity) <= time + START_TIME_SLACK_MS;
    const newest = this.find(runId, pid);
    if (!newest || startedBy(newest)) {
      return newest;
    }
    let found: ProcessRecord | undefined;
    for (const record of this.byRun.get(runId) ?? []) {
      if (record.pid === pid && record !== newest && startedBy(record)) {
        found = record;
      }
    }
    return found;
  }

  /**
   * The record of the process a parent reports it started, in a report
   * stamped at `time`. The stamp is taken before the fork, and the fork may
   * come seconds later (the first start() under forkserver launches the fork
   * server first), so all it tells is that the process began after it: of the
   * records that began since (or whose start is unknown) and had not ended
   * before it, the one that began first. A later one would be a newcomer that
   * reused the pid.
   */
  findStartedSince(runId: string, pid: number, time: number, slackMs = START_TIME_SLACK_MS): ProcessRecord | undefined {
    let found: ProcessRecord | undefined;
    const start = (record: ProcessRecord) => record.osStartTime ?? record.startedAt ?? Infinity;
    for (const record of this.byRun.get(runId) ?? []) {
      const endedBefore = record.endedAt !== undefined && record.endedAt < time;
      if (record.pid === pid && start(record) >= time - slackMs && !endedBefore && (!found || start(record) < start(found))) {
        found = record;
      }
    }
    return found;
  }

  /** The newest record of this pid in the run while it is not exited. */
  findUnexited(runId: string, pid: number): ProcessRecord | undefined {
    const record = this.find(runId, pid);
    return record && record.state !== 'exited' ? record : undefined;
  }

  childrenOf(parent: ProcessRecord): ProcessRecord[] {
    return [...(this.byParent.get(parent.key) ?? [])];
  }

  poolsOf(runId: string): PoolRecord[] {
    return [...(this.poolsByRun.get(runId)?.values() ?? [])];
  }

  pool(runId: string, id: string): PoolRecord | undefined {
    return this.poolsByRun.get(runId)?.get(id);
  }

  addPool(pool: PoolRecord): void {
    this.poolsByRun.get(pool.runId)?.set(pool.id, pool);
  }

  addRun(run: RunRecord): void {
    this.runRecords.set(run.id, run);
    this.poolsByRun.set(run.id, new Map());
    this.byRun.set(run.id, new Set());
    this.byPid.set(run.id, new Map());
    this.changes.run(run);
  }

  deleteRun(run: RunRecord): void {
    for (const record of this.processesOf(run.id)) {
      this.delete(record);
    }
    this.runRecords.delete(run.id);
    this.poolsByRun.delete(run.id);
    this.byRun.delete(run.id);
    this.byPid.delete(run.id);
  }

  /** A new record, of a process that started at `startedAt` (when known). */
  create(runId: string, pid: number, kind: ProcessKind, name: string, ppid?: number, startedAt?: number): ProcessRecord {
    const parent = ppid !== undefined ? this.findUnexited(runId, ppid) : undefined;
    const record: ProcessRecord = {
      key: `${runId}:${pid}:${this.nextKey++}`,
      runId,
      pid,
      ppid,
      originalPpid: ppid,
      parentPid: ppid,
      name,
      formerNames: [],
      kind,
      python: false,
      daemon: false,
      state: 'running',
      orphan: false,
      traced: false,
      signalsRequested: [],
      joins: [],
      threads: [],
      waits: [],
      seenAt: this.now(),
      startedAt,
    };
    this.records.set(record.key, record);
    this.byRun.get(runId)?.add(record);
    const newest = this.find(runId, pid);
    // Late news of a process older than the one the pid names now: the index keeps the newer.
    const older = newest !== undefined && startedAt !== undefined && startedAt < (newest.osStartTime ?? newest.startedAt ?? -Infinity);
    if (!older) {
      this.byPid.get(runId)?.set(pid, record);
    }
    this.setParent(record, parent?.key);
    this.changes.process(record);
    return record;
  }

  /** Forgets a record: exited and beyond the limit, cleared by the person, or a claim the OS refuted. */
  delete(record: ProcessRecord): void {
    this.records.delete(record.key);
    this.byRun.get(record.runId)?.delete(record);
    const pids = this.byPid.get(record.runId);
    if (pids?.get(record.pid) === record) {
      pids.delete(record.pid);
    }
    this.setParent(record, undefined);
    // What was drawn under it stays, as a root of its run's tree.
    this.byParent.delete(record.key);
    this.exited.delete(record);
    // Its run's tree has one row fewer: the views must hear of it, whoever deleted it.
    const run = this.runRecords.get(record.runId);
    if (run) {
      this.changes.run(run);
    }
  }

  setParent(record: ProcessRecord, parentKey: string | undefined): void {
    const previous = record.parentKey;
    if (previous !== undefined) {
      const siblings = this.byParent.get(previous);
      siblings?.delete(record);
      if (siblings?.size === 0) {
        this.byParent.delete(previous);
      }
    }
    record.parentKey = parentKey;
    if (parentKey !== undefined) {
      let siblings = this.byParent.get(parentKey);
      if (!siblings) {
        siblings = new Set();
        this.byParent.set(parentKey, siblings);
      }
      siblings.add(record);
    }
  }

  /** Called once a record is exited: it joins the queue of what may be forgotten. */
  exitedNow(record: ProcessRecord): void {
    this.exited.add(record);
    if (this.exited.size > this.exitedLimit) {
      this.forgetOldestExited();
    }
  }

  touch(record: ProcessRecord): void {
    this.changes.process(record);
  }

  touchRun(run: RunRecord): void {
    this.changes.run(run);
  }

  private forgetOldestExited(): void {
    for (const record of this.exited) {
      if (this.exited.size <= this.exitedLimit) {
        return;
      }
      // A parent keeps its place while something is drawn under it, so the tree keeps its shape.
      if (!this.byParent.get(record.key)?.size) {
        this.delete(record);
      }
    }
  }
}
