import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { TracerEvent } from '../protocol/tracerEvents';
import { ProcessSnapshot } from '../scan/processSnapshot';
import { ChangeBatch, ModelChange } from './changeBatch';
import { OsFamily, signalOfExitCode } from './exitCodes';
import { ended } from './lifecycle';
import { couldBe, isRunMember } from './membership';
import { ModelStore } from './modelStore';
import { PoolRecord, ProcessRecord, RunRecord, StackDump } from './processRecord';
import { confirm, Listing, scanRun } from './scanNews';
import { applyTracerEvent } from './tracerNews';

export type { ModelChange } from './changeBatch';

export interface ProcessModelEvents {
  change: [ModelChange];
  /** A tracer message named a pid that the OS shows outside the run: the record was dropped. */
  refuted: [runId: string, pid: number, name: string];
}

export interface ProcessModelOptions {
  /** Changes within this many milliseconds are sent as one notification. */
  readonly batchMs?: number;
  /** One process as the OS shows it now (ProcessLister.snapshot): confirms what the tracer names. */
  readonly snapshot?: (pid: number) => Promise<ProcessSnapshot | undefined>;
  /** Reads an argument vector for a process found by the scan. */
  readonly commandLine?: (pid: number) => Promise<string[] | undefined>;
  readonly now?: () => number;
  /** How many exited records are kept in all; the oldest beyond it are forgotten. */
  readonly exitedLimit?: number;
  /** The OS the programs run on (default POSIX): Windows has no signals and no zombies. */
  readonly os?: OsFamily;
}

/** Enough for the lesson's servers to show a long history, small enough to stay a few MB. */
export const DEFAULT_EXITED_LIMIT = 5000;

/**
 * What is known about every process of every run: built from tracer events,
 * OS scans and the launcher, and nothing else. What each source does lives
 * beside this file: tracerNews.ts (a tracer message), scanNews.ts (an OS
 * listing), membership.ts (which processes are a run's), lifecycle.ts (how a
 * process ends), modelStore.ts (records and their indexes).
 */
export class ProcessModel extends EventEmitter<ProcessModelEvents> {
  private readonly changes: ChangeBatch;
  private readonly store: ModelStore;
  private readonly cpuSamples = new WeakMap<ProcessRecord, { cpuMs: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: ProcessModelOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.changes = new ChangeBatch(options.batchMs ?? 5, (change) => this.emit('change', change));
    this.store = new ModelStore(this.changes, this.now, options.exitedLimit ?? DEFAULT_EXITED_LIMIT, options.os ?? 'posix');
  }

  /** The OS the programs run on: what an exit code means (see describeExitCode). */
  get os(): OsFamily {
    return this.store.os;
  }

  runs(): RunRecord[] {
    return this.store.runs();
  }

  run(runId: string): RunRecord | undefined {
    return this.store.run(runId);
  }

  get(key: string): ProcessRecord | undefined {
    return this.store.get(key);
  }

  processesOf(runId: string): ProcessRecord[] {
    return this.store.processesOf(runId);
  }

  all(): ProcessRecord[] {
    return this.store.all();
  }

  /** The process pools the run's processes created, oldest first. */
  poolsOf(runId: string): PoolRecord[] {
    return this.store.poolsOf(runId);
  }

  /** The newest record of this pid in the run, whatever its state. */
  find(runId: string, pid: number): ProcessRecord | undefined {
    return this.store.find(runId, pid);
  }

  addRun(run: RunRecord): void {
    this.store.addRun(run);
  }

  /**
   * The launcher started the run's program (or attach/adopt found it).
   * `snapshot` is the OS's view of it, read at once: it confirms the program
   * as the run's first member, and everything else is judged against it.
   */
  programStarted(runId: string, pid: number, argv: readonly string[], snapshot?: ProcessSnapshot, sessionLeader?: number): ProcessRecord {
    const run = this.requireRun(runId);
    run.sessionLeader = sessionLeader;
    const record = this.store.create(runId, pid, 'program', path.basename(argv[0] ?? String(pid)), undefined, run.startedAt);
    record.commandLine = [...argv];
    if (snapshot?.pid === pid) {
      confirm(this.store, record, snapshot);
    }
    run.topPid = pid;
    run.topKey = record.key;
    this.store.touchRun(run);
    return record;
  }

  /**
   * The run's program ended; `exitCode` follows Python's convention (−N for
   * signal N). Null: its status was lost (its terminal launcher was killed);
   * whether and when it ended is then left to the OS scan.
   */
  programExited(runId: string, exitCode: number | null): void {
    const run = this.requireRun(runId);
    run.exitCode = exitCode;
    run.signal = signalOfExitCode(exitCode, this.os);
    this.store.touchRun(run);
    const top = this.store.get(run.topKey);
    if (top && exitCode !== null) {
      // ProcLens, or its terminal launcher, reaped it: this is the reaped status, the final word.
      ended(this.store, top, exitCode, this.now(), true);
    }
  }

  /** The program could not be started (bad interpreter, missing file...). */
  runFailed(runId: string, error: string): void {
    const run = this.requireRun(runId);
    run.error = error;
    run.exitCode = null;
    this.finishRun(run);
  }

  /** Ends the run once its program has exited and nothing of it is alive any more. */
  settleRun(runId: string): boolean {
    const run = this.requireRun(runId);
    const top = this.store.get(run.topKey);
    if (run.adopted && run.exitCode === undefined && top?.state === 'exited') {
      // Not our child: its exit code went to its parent; what the scan saw is all there is.
      run.exitCode = top.exitCode ?? null;
      run.signal = top.signal;
      this.store.touchRun(run);
    }
    if (run.state === 'finished' || run.exitCode === undefined) {
      return run.state === 'finished';
    }
    const anyAlive = this.processesOf(runId).some((r) => r.state !== 'exited');
    if (!anyAlive) {
      this.finishRun(run);
    }
    return !anyAlive;
  }

  applyTracerEvent(runId: string, event: TracerEvent): void {
    const run = this.store.run(runId);
    if (run) {
      applyTracerEvent({ store: this.store, firstSight: (record) => this.firstSight(record) }, run, event);
    }
  }

  /** Keeps the stack dumps just taken (see takeStacks), each on its record. */
  stacksTaken(dumps: ReadonlyMap<string, StackDump>): void {
    for (const [key, dump] of dumps) {
      const record = this.store.get(key);
      if (record) {
        record.stacks = dump;
        this.store.touch(record);
      }
    }
  }

  /** Records a signal that ProcLens itself sent (shown in the tooltip and timeline). */
  signalRequested(record: ProcessRecord, signal: string): void {
    record.signalsRequested.push({ signal, by: 0, time: this.now() });
    this.store.touch(record);
  }

  /**
   * Applies one OS listing, read starting at `takenAt`, to every live run:
   * confirms and adds the run's processes, and notices what has gone.
   */
  applyScan(snapshots: readonly ProcessSnapshot[], takenAt = this.now()): void {
    const now = this.now();
    const listing = new Listing(snapshots);
    const context = {
      store: this.store,
      readCommandLine: (record: ProcessRecord) => this.readCommandLine(record),
      sampleResources: (record: ProcessRecord, snapshot: ProcessSnapshot, at: number) => this.sampleResources(record, snapshot, at),
      claimRefuted: (record: ProcessRecord) => this.emit('refuted', record.runId, record.pid, record.name),
    };
    for (const run of this.store.runs()) {
      if (run.state === 'live') {
        scanRun(context, run, listing, takenAt, now);
      }
    }
  }

  /** Forgets exited processes (and finished runs with nothing left), of one run or all. */
  clearExited(runId?: string): void {
    for (const record of this.store.all()) {
      if (record.state === 'exited' && (!runId || record.runId === runId)) {
        this.store.delete(record);
      }
    }
    for (const run of this.store.runs()) {
      if (run.state === 'finished' && (!runId || run.id === runId)) {
        this.store.deleteRun(run);
      }
    }
    this.flushNow(true);
  }

  dispose(): void {
    this.changes.dispose();
    this.removeAllListeners();
  }

  /** Sends any pending notification at once (tests and the CLI's last line use it). */
  flushNow(force = false): void {
    this.changes.flush(force);
  }

  /** Grows with every change: a reader can tell whether anything happened since it last looked. */
  get version(): number {
    return this.changes.version;
  }

  /** Reads the OS's view of a pid the tracer just named, while it surely still names that process. */
  private firstSight(record: ProcessRecord): void {
    this.options.snapshot?.(record.pid).then(
      (snapshot) => snapshot && this.judgeClaim(record, snapshot),
      () => undefined,
    );
  }

  private judgeClaim(record: ProcessRecord, snapshot: ProcessSnapshot): void {
    const run = this.store.run(record.runId);
    if (!run || record.identity !== undefined || record.state === 'exited' || this.store.get(record.key) !== record) {
      return;
    }
    const top = this.store.get(run.topKey);
    const parent = this.store.findUnexited(run.id, snapshot.ppid);
    if (couldBe(record, snapshot) && isRunMember(run, top, snapshot, parent)) {
      confirm(this.store, record, snapshot);
    } else if (snapshot.startTime !== undefined && top?.osStartTime !== undefined && snapshot.startTime < top.osStartTime) {
      // Started before the run's program: it can never be one of the run's processes.
      this.emit('refuted', record.runId, record.pid, record.name);
      this.store.delete(record);
    }
    // Otherwise the next scan decides, with the whole tree in view.
  }

  private readCommandLine(record: ProcessRecord): void {
    this.options.commandLine?.(record.pid).then(
      (argv) => {
        if (argv?.length && !record.commandLine) {
          record.commandLine = argv;
          this.store.touch(record);
        }
      },
      () => undefined,
    );
  }

  private sampleResources(record: ProcessRecord, snapshot: ProcessSnapshot, now: number): void {
    // Resource figures change on every scan; they are read on demand (tooltips), so they fire no change.
    record.rssBytes = snapshot.rssBytes;
    record.osThreadCount = snapshot.threadCount;
    if (snapshot.cpuPercent !== undefined) {
      record.cpuPercent = snapshot.cpuPercent;
    } else if (snapshot.cpuMs !== undefined) {
      const previous = this.cpuSamples.get(record);
      if (previous && now > previous.at) {
        record.cpuPercent = ((snapshot.cpuMs - previous.cpuMs) / (now - previous.at)) * 100;
      }
      this.cpuSamples.set(record, { cpuMs: snapshot.cpuMs, at: now });
    }
  }

  private finishRun(run: RunRecord): void {
    run.state = 'finished';
    run.endedAt ??= this.now();
    this.store.touchRun(run);
  }

  private requireRun(runId: string): RunRecord {
    const run = this.store.run(runId);
    if (!run) {
      throw new Error(`unknown run ${runId}`);
    }
    return run;
  }
}
