import * as fs from 'node:fs';
import { Diagnosis } from '../core/diagnosis/deadlocks';
import { PoolSummary } from '../core/model/pools';
import { ProcessRecord, RunRecord, StackDump, TaskSpan } from '../core/model/processRecord';
import { listerLimits } from '../core/present/listerText';
import { isManagerServer } from '../core/present/poolText';
import { currentWait } from '../core/model/threadsAndWaits';
import { frameFile, unavailableText } from '../core/present/stacksText';
import { diagnosisText, NameOf } from '../core/present/waitText';

/** What a process is blocked in: a join() of a child, or a call the tracer reported. */
export type WaitingFor = { kind: string; call: string; on: string | null; since: number; file: string | null; line: number | null };

/** What `record` waits for now, if anything; `nameOf` names a joined child. */
export function waitingFor(record: ProcessRecord, nameOf: (pid: number) => string | undefined): WaitingFor | null {
  if (record.state === 'joining' && record.joiningPid !== undefined) {
    const since = record.joins.at(-1)?.enteredAt ?? record.startedAt ?? 0;
    return { kind: 'join', call: 'Process.join', on: nameOf(record.joiningPid) ?? String(record.joiningPid), since, file: null, line: null };
  }
  const wait = currentWait(record);
  return wait ? { kind: wait.kind, call: wait.call, on: wait.on, since: wait.enteredAt, file: wait.site?.file ?? null, line: wait.site?.line ?? null } : null;
}

function stacksJson(dump: StackDump | undefined): unknown {
  if (!dump) {
    return null;
  }
  if (dump.unavailable) {
    return { takenAt: dump.takenAt, unavailable: unavailableText(dump.unavailable) };
  }
  return dump.threads.map((stack) => ({
    thread: stack.name,
    tid: stack.tid,
    frames: stack.frames.map((frame) => ({ file: frameFile(frame.file, dump), line: frame.line, function: frame.function })),
  }));
}

export function diagnosisJson(diagnosis: Diagnosis, nameOf: NameOf): Record<string, unknown> {
  return { ...diagnosis, ...diagnosisText(diagnosis, nameOf) };
}

/** What was true at the moment the stacks were taken: the summary keeps it after the stop ended every wait. */
export interface AtDump {
  readonly waitingFor: ReadonlyMap<string, WaitingFor>;
  readonly diagnoses: readonly Record<string, unknown>[];
}

/** The fields of a process in the CLI's JSON lines; tests and CI logs read these. */
export function processJson(record: ProcessRecord, nameOf: (pid: number) => string | undefined = () => undefined, atDump?: AtDump): Record<string, unknown> {
  const diagnosis = atDump?.diagnoses.find((d) => d.pid === record.pid);
  return {
    pid: record.pid,
    ppid: record.ppid ?? null,
    parentPid: record.parentPid ?? null,
    name: record.name,
    formerNames: record.formerNames,
    kind: record.kind,
    daemon: record.daemon,
    python: record.python,
    startMethod: record.startMethod ?? null,
    state: record.state,
    exitCode: record.exitCode ?? null,
    signal: record.signal ?? null,
    reportedExitCode: record.reportedExitCode ?? null,
    reapedAt: record.reapedAt ?? null,
    confirmed: record.identity !== undefined,
    orphan: record.orphan,
    joiningPid: record.joiningPid ?? null,
    joinTimeout: record.joinTimeout ?? null,
    target: record.target ?? null,
    startSite: record.startSite ?? null,
    commandLine: record.commandLine ?? null,
    startedAt: record.startedAt ?? null,
    // Set when startedAt is only the OS's start time from ps: whole seconds, up to this many ms early.
    startedAtEarlyMs: record.startedAtEarlyMs ?? null,
    endedAt: record.endedAt ?? null,
    signalsRequested: record.signalsRequested,
    threads: record.threads.map((t) => ({
      name: t.name,
      daemon: t.daemon,
      alive: t.endedAt === undefined,
      main: t.main,
      tid: t.tid,
      nativeId: t.nativeId,
      target: t.target ?? null,
    })),
    osThreadCount: record.osThreadCount ?? null,
    waitingFor: waitingFor(record, nameOf) ?? atDump?.waitingFor.get(record.key) ?? null,
    stacks: stacksJson(record.stacks),
    diagnosis: diagnosis ?? null,
    role: helperRoleName(record) ?? null,
    pool: record.poolId ?? null,
    tasksDone: record.tasks?.done ?? null,
    tasksFailed: record.tasks?.failed ?? null,
    currentTask: record.tasks?.current ? taskJson(record.tasks.current) : null,
  };
}

function taskJson(span: TaskSpan): Record<string, unknown> {
  return { function: span.function, args: span.args, items: span.items, since: span.startedAt };
}

/** multiprocessing's own processes, by what they are for. */
function helperRoleName(record: ProcessRecord): string | undefined {
  if (record.kind === 'helper') {
    return record.name;
  }
  return isManagerServer(record) ? 'manager' : undefined;
}

/** A pool in the summary: its counts add up from its workers' own tallies. */
export function poolJson(summary: PoolSummary): Record<string, unknown> {
  const { pool } = summary;
  return {
    id: pool.id,
    kind: pool.kind,
    creator: pool.creatorPid,
    size: pool.size,
    maxTasksPerChild: pool.maxTasksPerChild,
    createdAt: pool.createdAt,
    workers: summary.workers.map((w) => w.pid),
    alive: summary.alive,
    submitted: summary.submitted,
    running: summary.running,
    done: summary.done,
    failed: summary.failed,
    lost: summary.lost,
    errors: summary.errors,
  };
}

export function runJson(run: RunRecord): Record<string, unknown> {
  const lister = run.lister;
  return {
    id: run.id,
    command: run.command,
    state: run.state,
    topPid: run.topPid ?? null,
    exitCode: run.exitCode ?? null,
    signal: run.signal ?? null,
    error: run.error ?? null,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
    // What the OS view could see, and in words what it could not (see ListerCapabilities).
    lister: lister
      ? { name: lister.description, ...lister.capabilities, startTimeEarlyMs: lister.capabilities.startTimeEarlyMs ?? null, cannotSee: listerLimits(lister) }
      : null,
  };
}

/** Appends JSON lines to a file, synchronously, so the summary is written even while exiting. */
export class JsonLinesFile {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(value: Record<string, unknown>): void {
    fs.writeSync(this.fd, JSON.stringify(value) + '\n');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
