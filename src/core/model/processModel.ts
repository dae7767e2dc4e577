import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { TracerEvent } from '../protocol/tracerEvents';
import { ProcessSnapshot } from '../scan/processSnapshot';
import { exitCodeFromWaitStatus, signalOfExitCode } from './exitCodes';
import { helperRole, pythonProgramName } from './processNames';
import { isAlive, ProcessRecord, RunRecord } from './processRecord';

/** One notification per burst: every record and run that changed since the last one. */
export interface ModelChange {
  readonly processes: readonly ProcessRecord[];
  readonly runs: readonly RunRecord[];
}

export interface ProcessModelEvents {
  change: [ModelChange];
}

export interface ProcessModelOptions {
  /** Changes within this many milliseconds are sent as one notification. */
  readonly batchMs?: number;
  /** Reads a process's identity when it is first seen (see ProcessLister.identify). */
  readonly identify?: (pid: number) => Promise<string | undefined>;
  /** Reads an argument vector for a process found by the scan. */
  readonly commandLine?: (pid: number) => Promise<string[] | undefined>;
  readonly now?: () => number;
}

/**
 * What is known about every process of every run: built from tracer events,
 * OS scans and the launcher, and nothing else. Exited processes stay until
 * cleared; orphans stay under their original parent, marked.
 */
export class ProcessModel extends EventEmitter<ProcessModelEvents> {
  private readonly records = new Map<string, ProcessRecord>();
  private readonly runRecords = new Map<string, RunRecord>();
  /** runId → pid → the newest record with that pid. */
  private readonly byPid = new Map<string, Map<number, ProcessRecord>>();
  private readonly cpuSamples = new Map<string, { cpuMs: number; at: number }>();
  private readonly changedProcesses = new Set<ProcessRecord>();
  private readonly changedRuns = new Set<RunRecord>();
  private flushTimer: NodeJS.Timeout | undefined;
  private nextKey = 1;
  private changes = 0;
  private readonly batchMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ProcessModelOptions = {}) {
    super();
    this.batchMs = options.batchMs ?? 5;
    this.now = options.now ?? Date.now;
  }

  runs(): RunRecord[] {
    return [...this.runRecords.values()];
  }

  run(runId: string): RunRecord | undefined {
    return this.runRecords.get(runId);
  }

  get(key: string): ProcessRecord | undefined {
    return this.records.get(key);
  }

  processesOf(runId: string): ProcessRecord[] {
    return [...this.records.values()].filter((r) => r.runId === runId);
  }

  all(): ProcessRecord[] {
    return [...this.records.values()];
  }

  /** The newest record of this pid in the run, whatever its state. */
  find(runId: string, pid: number): ProcessRecord | undefined {
    return this.byPid.get(runId)?.get(pid);
  }

  addRun(run: RunRecord): void {
    this.runRecords.set(run.id, run);
    this.byPid.set(run.id, new Map());
    this.touchRun(run);
  }

  /** The launcher started the run's program. */
  programStarted(runId: string, pid: number, argv: readonly string[]): ProcessRecord {
    const run = this.requireRun(runId);
    const record = this.create(runId, pid, 'program', path.basename(argv[0] ?? String(pid)));
    record.commandLine = [...argv];
    record.startedAt = run.startedAt;
    run.topPid = pid;
    run.topKey = record.key;
    this.touchRun(run);
    return record;
  }

  /** The run's program ended; `exitCode` follows Python's convention (−N for signal N). */
  programExited(runId: string, exitCode: number | null): void {
    const run = this.requireRun(runId);
    run.exitCode = exitCode;
    run.signal = signalOfExitCode(exitCode);
    this.touchRun(run);
    const top = run.topKey ? this.records.get(run.topKey) : undefined;
    if (top) {
      this.ended(top, exitCode, this.now());
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
    const top = run.topKey ? this.records.get(run.topKey) : undefined;
    if (run.adopted && run.exitCode === undefined && top?.state === 'exited') {
      // Not our child: its exit code went to its parent; what the scan saw is all there is.
      run.exitCode = top.exitCode ?? null;
      run.signal = top.signal;
      this.touchRun(run);
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
    const run = this.runRecords.get(runId);
    if (!run) {
      return;
    }
    switch (event.kind) {
      case 'hello':
        return this.onHello(run, event);
      case 'start': {
        const child = this.beginning(run, event.child, 'mp-child', event.name, event.time);
        const seenByScanOnly = !child.traced;
        child.parentPid = event.pid;
        child.parentKey = this.find(runId, event.pid)?.key ?? child.parentKey;
        this.becomeMultiprocessingChild(child, event.name, event.daemon);
        child.startMethod = event.method ?? child.startMethod;
        child.target = event.target ?? undefined;
        child.startSite = event.site ?? undefined;
        // The tracer's clock is finer than the scan's start time (clock ticks): prefer it.
        child.startedAt = seenByScanOnly ? event.time : Math.min(child.startedAt ?? event.time, event.time);
        return this.touch(child);
      }
      case 'boot': {
        const child = this.beginning(run, event.pid, 'mp-child', event.name, event.time, event.ppid);
        if (!child.traced) {
          child.startedAt = event.time;
        }
        this.becomeMultiprocessingChild(child, event.name, event.daemon);
        return this.touch(child);
      }
      case 'exit': {
        const child = this.find(runId, event.pid);
        if (child && !isAlive(child)) {
          return this.lateExitCode(child, event.code);
        }
        if (child) {
          child.exitCode = event.code;
          child.signal = undefined;
          child.endedAt = event.time;
          child.state = 'zombie';
          child.joiningPid = undefined;
          this.touch(child);
          this.parentEnded(child);
        }
        return;
      }
      case 'rename': {
        const child = this.find(runId, event.child);
        if (child && child.name !== event.name) {
          child.formerNames.push(child.name);
          child.name = event.name;
          this.touch(child);
        }
        return;
      }
      case 'join':
        return this.onJoin(runId, event.pid, event.child, event.phase, event.timeout, event.time);
      case 'signal': {
        const child = this.find(runId, event.child);
        if (child) {
          child.signalsRequested.push({ signal: event.signal, by: event.pid, time: event.time });
          this.touch(child);
        }
        return;
      }
      case 'reaped': {
        const child = this.find(runId, event.child);
        if (child?.state === 'exited') {
          child.reapedAt ??= event.time;
          return this.lateExitCode(child, event.code);
        }
        if (child) {
          child.reapedAt = event.time;
          this.ended(child, event.code, child.endedAt ?? event.time, true);
        }
        return;
      }
    }
  }

  /** Records a signal that ProcLens itself sent (shown in the tooltip and timeline). */
  signalRequested(record: ProcessRecord, signal: string): void {
    record.signalsRequested.push({ signal, by: 0, time: this.now() });
    this.touch(record);
  }

  /**
   * Applies one OS listing to every live run: finds the run's processes (its
   * session, and the descendants of what it already knows), adds what the
   * tracer cannot see, and notices what has gone.
   */
  applyScan(snapshots: readonly ProcessSnapshot[]): void {
    const now = this.now();
    const byPid = new Map<number, ProcessSnapshot>();
    const childrenOf = new Map<number, number[]>();
    for (const snapshot of snapshots) {
      byPid.set(snapshot.pid, snapshot);
      const siblings = childrenOf.get(snapshot.ppid);
      if (siblings) {
        siblings.push(snapshot.pid);
      } else {
        childrenOf.set(snapshot.ppid, [snapshot.pid]);
      }
    }
    for (const run of this.runRecords.values()) {
      if (run.state === 'live') {
        this.scanRun(run, byPid, childrenOf, now);
      }
    }
  }

  /** Forgets exited processes (and finished runs with nothing left), of one run or all. */
  clearExited(runId?: string): void {
    for (const record of [...this.records.values()]) {
      if (record.state === 'exited' && (!runId || record.runId === runId)) {
        this.records.delete(record.key);
        this.cpuSamples.delete(record.key);
        const pids = this.byPid.get(record.runId);
        if (pids?.get(record.pid) === record) {
          pids.delete(record.pid);
        }
      }
    }
    for (const run of [...this.runRecords.values()]) {
      if (run.state === 'finished' && (!runId || run.id === runId)) {
        this.runRecords.delete(run.id);
        this.byPid.delete(run.id);
      }
    }
    this.flushNow(true);
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.removeAllListeners();
  }

  /** Sends any pending notification at once (tests and the CLI's last line use it). */
  flushNow(force = false): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!force && this.changedProcesses.size === 0 && this.changedRuns.size === 0) {
      return;
    }
    const change: ModelChange = { processes: [...this.changedProcesses], runs: [...this.changedRuns] };
    this.changedProcesses.clear();
    this.changedRuns.clear();
    this.emit('change', change);
  }

  private onHello(run: RunRecord, event: Extract<TracerEvent, { kind: 'hello' }>): void {
    const record = this.beginning(run, event.pid, 'python', pythonProgramName(event.argv), event.time, event.ppid);
    record.python = true;
    record.traced = true;
    record.pythonVersion = event.pythonVersion;
    record.commandLine = event.argv.length ? [...event.argv] : record.commandLine;
    const role = helperRole(event.argv);
    if (record.kind === 'program') {
      record.name = 'MainProcess';
    } else if (role && record.kind !== 'mp-child') {
      // A child forked by the fork server inherits its argv: its boot event names it properly.
      record.kind = 'helper';
      record.name = role;
    }
    this.touch(record);
  }

  /** The scan saw the process go before its exit code arrived: fill it in. */
  private lateExitCode(record: ProcessRecord, code: number | null): void {
    if ((record.exitCode === null || record.exitCode === undefined) && code !== null) {
      record.exitCode = code;
      record.signal = signalOfExitCode(code);
      this.touch(record);
    }
  }

  private onJoin(runId: string, pid: number, childPid: number, phase: string, timeout: number | null, time: number): void {
    const joiner = this.find(runId, pid);
    if (!joiner || !isAlive(joiner)) {
      return;
    }
    if (phase === 'enter') {
      joiner.joins.push({ childPid, timeout, enteredAt: time });
      joiner.state = 'joining';
      joiner.joiningPid = childPid;
      joiner.joinTimeout = timeout;
    } else {
      const span = [...joiner.joins].reverse().find((j) => j.childPid === childPid && j.leftAt === undefined);
      if (span) {
        span.leftAt = time;
      }
      if (joiner.joiningPid === childPid) {
        joiner.state = 'running';
        joiner.joiningPid = undefined;
        joiner.joinTimeout = undefined;
      }
    }
    this.touch(joiner);
  }

  private becomeMultiprocessingChild(record: ProcessRecord, name: string, daemon: boolean): void {
    if (record.kind !== 'program') {
      record.kind = 'mp-child';
    }
    record.python = true;
    record.traced = true;
    record.name = name;
    record.daemon = daemon;
  }

  /** The live record for a process that is starting, or a new one if its pid is new (or reused). */
  private beginning(
    run: RunRecord,
    pid: number,
    kind: ProcessRecord['kind'],
    name: string,
    time: number,
    ppid?: number,
  ): ProcessRecord {
    const known = this.find(run.id, pid);
    // Each process reports on its own connection, so news from a child can arrive after its
    // parent reported it ended; an event older than that end is about the same process.
    const lateNews = known?.state === 'exited' && known.endedAt !== undefined && time <= known.endedAt;
    if (known && (known.state !== 'exited' || lateNews)) {
      if (known.ppid === undefined && ppid !== undefined) {
        known.ppid = known.originalPpid = ppid;
      }
      return known;
    }
    const record = this.create(run.id, pid, kind, name, ppid);
    record.startedAt = time;
    return record;
  }

  private create(runId: string, pid: number, kind: ProcessRecord['kind'], name: string, ppid?: number): ProcessRecord {
    const record: ProcessRecord = {
      key: `${runId}:${pid}:${this.nextKey++}`,
      runId,
      pid,
      ppid,
      originalPpid: ppid,
      parentPid: ppid,
      parentKey: ppid !== undefined ? this.liveKey(runId, ppid) : undefined,
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
    };
    this.records.set(record.key, record);
    this.byPid.get(runId)?.set(pid, record);
    this.captureIdentity(record);
    this.touch(record);
    return record;
  }

  private liveKey(runId: string, pid: number): string | undefined {
    const record = this.find(runId, pid);
    return record && record.state !== 'exited' ? record.key : undefined;
  }

  private captureIdentity(record: ProcessRecord): void {
    // Read at once, while the pid surely still names this process.
    this.options.identify?.(record.pid).then(
      (identity) => {
        record.identity ??= identity;
      },
      () => undefined,
    );
  }

  private scanRun(
    run: RunRecord,
    byPid: Map<number, ProcessSnapshot>,
    childrenOf: Map<number, number[]>,
    now: number,
  ): void {
    const members = new Set<number>();
    const queue: number[] = [];
    for (const record of this.processesOf(run.id)) {
      const snapshot = byPid.get(record.pid);
      if (record.state !== 'exited' && snapshot && this.sameProcess(record, snapshot)) {
        queue.push(record.pid);
      }
    }
    if (run.topPid !== undefined && !run.attached) {
      // The program was started in a session of its own; its descendants keep it even when orphaned.
      // (An attached process shares its session with whatever started it: only its descendants count.)
      for (const snapshot of byPid.values()) {
        if (snapshot.sessionId === run.topPid) {
          queue.push(snapshot.pid);
        }
      }
    }
    while (queue.length) {
      const pid = queue.pop()!;
      if (members.has(pid)) {
        continue;
      }
      members.add(pid);
      queue.push(...(childrenOf.get(pid) ?? []));
    }
    for (const pid of members) {
      this.updateFromScan(run, byPid.get(pid)!, now);
    }
    for (const record of this.processesOf(run.id)) {
      const snapshot = byPid.get(record.pid);
      const present = snapshot && members.has(record.pid) && this.sameProcess(record, snapshot);
      if (!present && record.state !== 'exited') {
        this.gone(record, now);
      }
    }
  }

  private sameProcess(record: ProcessRecord, snapshot: ProcessSnapshot): boolean {
    return record.identity === undefined || record.identity === snapshot.identity;
  }

  private updateFromScan(run: RunRecord, snapshot: ProcessSnapshot, now: number): void {
    let record = this.find(run.id, snapshot.pid);
    if (record && (record.state === 'exited' || !this.sameProcess(record, snapshot))) {
      if (record.state !== 'exited') {
        this.gone(record, now);
      }
      record = undefined;
    }
    if (!record) {
      record = this.create(run.id, snapshot.pid, 'native', snapshot.name, snapshot.ppid);
      record.identity = snapshot.identity;
      record.startedAt = snapshot.startTime;
      this.readCommandLine(record);
    }
    record.identity ??= snapshot.identity;
    if (record.parentKey === undefined && record.parentPid !== undefined) {
      // The scan meets processes in no set order; the parent may have been added after its child.
      record.parentKey = this.liveKey(run.id, record.parentPid);
    }
    if (record.ppid !== snapshot.ppid) {
      record.originalPpid ??= snapshot.ppid;
      // Re-parented (to init or a subreaper): whatever started it has died.
      record.orphan ||= record.ppid !== undefined;
      record.ppid = snapshot.ppid;
      this.touch(record);
    }
    this.sampleResources(record, snapshot, now);
    if (snapshot.zombie && isAlive(record)) {
      record.state = 'zombie';
      record.joiningPid = undefined;
      record.endedAt ??= now;
      if (record.exitCode === undefined && snapshot.waitStatus !== undefined) {
        record.exitCode = exitCodeFromWaitStatus(snapshot.waitStatus);
        record.signal = signalOfExitCode(record.exitCode);
      }
      this.touch(record);
      this.parentEnded(record);
    }
  }

  private sampleResources(record: ProcessRecord, snapshot: ProcessSnapshot, now: number): void {
    // Resource figures change on every scan; they are read on demand (tooltips), so they fire no change.
    record.rssBytes = snapshot.rssBytes;
    if (snapshot.cpuPercent !== undefined) {
      record.cpuPercent = snapshot.cpuPercent;
    } else if (snapshot.cpuMs !== undefined) {
      const previous = this.cpuSamples.get(record.key);
      if (previous && now > previous.at) {
        record.cpuPercent = ((snapshot.cpuMs - previous.cpuMs) / (now - previous.at)) * 100;
      }
      this.cpuSamples.set(record.key, { cpuMs: snapshot.cpuMs, at: now });
    }
  }

  private readCommandLine(record: ProcessRecord): void {
    this.options.commandLine?.(record.pid).then(
      (argv) => {
        if (argv?.length && !record.commandLine) {
          record.commandLine = argv;
          this.touch(record);
        }
      },
      () => undefined,
    );
  }

  /**
   * The OS no longer shows the process. A multiprocessing child whose Python
   * parent is alive stays a zombie until that parent collects it (join or
   * is_alive): under forkserver the OS reaps it early, but Python has not.
   */
  private gone(record: ProcessRecord, now: number): void {
    const parent = record.parentKey ? this.records.get(record.parentKey) : undefined;
    const awaitedByPython = record.kind === 'mp-child' && parent !== undefined && parent.state !== 'exited';
    if (awaitedByPython && record.state !== 'zombie') {
      record.state = 'zombie';
      record.endedAt ??= now;
      record.exitCode ??= null;
      this.touch(record);
      this.parentEnded(record);
    } else if (!awaitedByPython) {
      this.ended(record, record.exitCode ?? null, record.endedAt ?? now);
    }
  }

  private ended(record: ProcessRecord, exitCode: number | null, endedAt: number, reaped = false): void {
    // A code collected by the parent is the final word; the child's own report may precede a signal.
    record.exitCode = reaped || record.exitCode === undefined || record.exitCode === null ? exitCode : record.exitCode;
    record.signal = signalOfExitCode(record.exitCode);
    record.endedAt = endedAt;
    record.state = 'exited';
    record.joiningPid = undefined;
    record.cpuPercent = undefined;
    this.touch(record);
    this.parentEnded(record);
  }

  /** Its children are orphans now; its zombies are collected by init, so nobody will join them. */
  private parentEnded(parent: ProcessRecord): void {
    for (const child of this.records.values()) {
      if (child.parentKey !== parent.key || child.state === 'exited') {
        continue;
      }
      if (child.state === 'zombie' && parent.state === 'exited') {
        this.ended(child, child.exitCode ?? null, child.endedAt ?? parent.endedAt ?? this.now());
      } else if (child.state !== 'zombie' && !child.orphan) {
        child.orphan = true;
        this.touch(child);
      }
    }
  }

  private finishRun(run: RunRecord): void {
    run.state = 'finished';
    run.endedAt ??= this.now();
    this.touchRun(run);
  }

  private requireRun(runId: string): RunRecord {
    const run = this.runRecords.get(runId);
    if (!run) {
      throw new Error(`unknown run ${runId}`);
    }
    return run;
  }

  /** Grows with every change: a reader can tell whether anything happened since it last looked. */
  get version(): number {
    return this.changes;
  }

  private touch(record: ProcessRecord): void {
    this.changes++;
    this.changedProcesses.add(record);
    this.scheduleFlush();
  }

  private touchRun(run: RunRecord): void {
    this.changes++;
    this.changedRuns.add(run);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flushNow(), this.batchMs);
  }
}
