import { TracerEvent } from '../protocol/tracerEvents';
import { becameZombie, codeReturned, ended, gone, lateExitCode } from './lifecycle';
import { startTimeSlackMs } from './membership';
import { ModelStore } from './modelStore';
import { commandName, helperRole, pythonProgramName } from './processNames';
import { isAlive, ProcessKind, ProcessRecord, RunRecord } from './processRecord';
import { poolCreated, poolSubmitted, taskBegan, taskEnded, touchCreator } from './pools';
import { mainThreadSaidHello, threadEnded, threadStarted, waitBegan, waitEnded } from './threadsAndWaits';

/** What applying a tracer message needs besides the store. */
export interface TracerContext {
  readonly store: ModelStore;
  /**
   * A process first heard of from the tracer: the OS has to confirm it before
   * it counts as a member that may be signalled.
   */
  readonly firstSight: (record: ProcessRecord) => void;
}

type EventOf<K extends TracerEvent['kind']> = Extract<TracerEvent, { kind: K }>;

/** What each tracer message tells about the processes of `run`. */
export function applyTracerEvent(context: TracerContext, run: RunRecord, event: TracerEvent): void {
  const { store } = context;
  switch (event.kind) {
    case 'hello':
      return onHello(context, run, event);
    case 'start':
      return onStart(context, run, event);
    case 'boot': {
      const child = beginning(context, run, event.pid, 'mp-child', event.name, event.time, event.ppid);
      if (!child.traced || child.startedAtEarlyMs !== undefined) {
        child.startedAt = event.time;
        child.startedAtEarlyMs = undefined;
      }
      becomeMultiprocessingChild(child, event.name, event.daemon);
      return store.touch(child);
    }
    case 'exit': {
      const child = store.findAt(run.id, event.pid, event.time);
      return child && codeReturned(store, child, event.code, event.time);
    }
    case 'rename': {
      const child = store.findAt(run.id, event.child, event.time);
      if (child && child.name !== event.name) {
        child.formerNames.push(child.name);
        child.name = event.name;
        store.touch(child);
      }
      return;
    }
    case 'join':
      return onJoin(store, run, event);
    case 'fork': {
      const name = `fork of ${store.findAt(run.id, event.pid, event.time)?.name ?? event.pid}`;
      const child = beginning(context, run, event.child, 'python', name, event.time, event.pid, true);
      child.python = true;
      child.forked = true;
      if (child.kind !== 'mp-child' && child.kind !== 'program') {
        // The scan or its own hello came first, named from its parent's command line (a fork
        // server's, say): it is that program, forked.
        child.kind = 'python';
        child.name = name;
      }
      return adopt(store, child, event.pid, event.time);
    }
    case 'popen': {
      const name = commandName(event.argv) ?? String(event.child);
      const child = beginning(context, run, event.child, 'native', name, event.time, event.pid, true);
      if (!child.traced) {
        // What was exec'd is the truth; a scan between fork and exec saw the parent's program.
        child.name = name;
        child.commandLine = [...event.argv];
      }
      return adopt(store, child, event.pid, event.time);
    }
    case 'signal': {
      const child = store.findAt(run.id, event.child, event.time);
      if (child) {
        child.signalsRequested.push({ signal: event.signal, by: event.pid, time: event.time });
        store.touch(child);
      }
      return;
    }
    case 'thread':
    case 'thread-end':
    case 'wait':
    case 'woke':
    case 'stacks':
      return onThreadNews(store, run, event);
    case 'pool':
      return poolCreated(store, run, event);
    case 'submit':
      return poolSubmitted(store, run, event);
    case 'task':
    case 'idle': {
      const worker = store.findAt(run.id, event.pid, event.time);
      if (worker) {
        if (event.kind === 'task') {
          taskBegan(worker, event);
        } else {
          taskEnded(worker, event);
        }
        store.touch(worker);
        touchCreator(store, run.id, worker.poolId);
      }
      return;
    }
    case 'reaped': {
      const child = reapedRecord(store, run, event);
      if (child && child.kind === 'mp-child' && child.parentPid !== undefined && child.parentPid !== event.pid) {
        return reapedByForkServer(store, child, event.code, event.time);
      }
      const code = child ? collectedCode(child, event.code) : event.code;
      if (child?.state === 'exited') {
        child.reapedAt ??= event.time;
        lateExitCode(store, child, code, true);
        return store.touch(child);
      }
      if (child) {
        // Reaped: the process is gone for good, whatever state the model had it in.
        child.reapedAt = event.time;
        ended(store, child, code, child.endedAt ?? event.time, true);
      }
      return;
    }
  }
}

function onHello(context: TracerContext, run: RunRecord, event: EventOf<'hello'>): void {
  const record = beginning(context, run, event.pid, 'python', pythonProgramName(event.argv), event.time, event.ppid);
  record.python = true;
  record.traced = true;
  record.pythonVersion = event.pythonVersion;
  if (record.startedAtEarlyMs !== undefined) {
    // Its tracer started with it: a few milliseconds late, where ps's second may be two early.
    record.startedAt = event.time;
    record.startedAtEarlyMs = undefined;
  }
  if (event.stackSignal !== undefined) {
    record.stackSignal = event.stackSignal;
  }
  mainThreadSaidHello(record, event);
  const role = helperRole(event.argv);
  if (record.kind === 'program') {
    record.name = 'MainProcess';
  } else if (role && record.kind !== 'mp-child' && !record.forked) {
    // A child forked by the fork server inherits its argv: its boot event names it properly.
    record.kind = 'helper';
    record.name = role;
    // A scan may have called it an orphan before it said what it is: it outlives its starter by design.
    record.orphan = false;
  } else if (record.kind === 'native') {
    // Found by the scan or started by Popen before it said hello: now it is known to be Python.
    record.kind = 'python';
    record.name = pythonProgramName(event.argv);
  }
  // A forked child says hello with its parent's argv: its own command line is the same.
  record.commandLine = event.argv.length ? [...event.argv] : record.commandLine;
  context.store.touch(record);
}

/** News a process gives about its own threads: only while it is alive does it change anything. */
function onThreadNews(store: ModelStore, run: RunRecord, event: EventOf<'thread' | 'thread-end' | 'wait' | 'woke' | 'stacks'>): void {
  const record = store.findAt(run.id, event.pid, event.time);
  if (!record || !isAlive(record)) {
    return;
  }
  switch (event.kind) {
    case 'thread':
      threadStarted(record, event);
      break;
    case 'thread-end':
      threadEnded(record, event);
      break;
    case 'wait':
      waitBegan(record, event);
      break;
    case 'woke':
      waitEnded(record, event);
      break;
    case 'stacks':
      record.stackSignal = event.stackSignal;
      break;
  }
  store.touch(record);
}

/**
 * The record a reaping is about. Only a process's parent can collect it (its
 * OS parent, or for a forkserver child its Python parent): a reaper the OS
 * showed to be neither means the pid now names a process the model never saw.
 */
function reapedRecord(store: ModelStore, run: RunRecord, event: EventOf<'reaped'>): ProcessRecord | undefined {
  const child = store.findAt(run.id, event.child, event.time);
  if (!child || event.pid === child.parentPid) {
    return child;
  }
  const osParents = [child.ppid, child.originalPpid].filter((pid) => pid !== undefined);
  return osParents.length === 0 || osParents.includes(event.pid) ? child : undefined;
}

/**
 * The code a Python parent collected. Under forkserver it asks the fork server, and when it
 * cannot read the answer (the fork server was killed first: Stop Run ends every process at
 * once) multiprocessing makes up 255 (multiprocessing/popen_forkserver.py, Popen.poll). So
 * 255 is believed only when the process itself reported it; otherwise the code stays what
 * the fork server or the OS said, or unknown.
 */
function collectedCode(child: ProcessRecord, code: number | null): number | null {
  return code === 255 && child.startMethod === 'forkserver' && child.reportedExitCode !== 255 ? null : code;
}

/** Draws `child` under the process that started it, as that process itself reported. */
function adopt(store: ModelStore, child: ProcessRecord, parentPid: number, time: number): void {
  child.parentPid = parentPid;
  const parent = store.findAt(child.runId, parentPid, time);
  if (parent && parent !== child) {
    store.setParent(child, parent.key);
  }
  store.touch(child);
}

/**
 * The fork server reaped a child it forked: the OS is done with it, but its
 * Python parent has not collected it yet, so it is a zombie to Python until
 * that parent's join() (unless that parent has ended too).
 */
function reapedByForkServer(store: ModelStore, child: ProcessRecord, code: number | null, time: number): void {
  if (child.state === 'exited') {
    lateExitCode(store, child, code, true);
    return store.touch(child);
  }
  const parent = store.findUnexited(child.runId, child.parentPid!);
  if (parent) {
    becameZombie(store, child, code, time);
  } else {
    ended(store, child, code, child.endedAt ?? time, true);
  }
}


function onStart(context: TracerContext, run: RunRecord, event: EventOf<'start'>): void {
  const { store } = context;
  const child = beginning(context, run, event.child, 'mp-child', event.name, event.time, undefined, true);
  const seenByScanOnly = !child.traced;
  adopt(store, child, event.pid, event.time);
  // A child that renamed itself at once may be heard before its parent's report of the start
  // (processes report on different connections, and under fork both the child and its parent
  // report the start): a rename is always later news than the start.
  becomeMultiprocessingChild(child, child.formerNames.length ? child.name : event.name, event.daemon);
  child.startMethod = event.method ?? child.startMethod;
  // Under fork both the child and, later, its parent report the start; only the child knows
  // where start() was called (the stack it inherited), and the parent's report must not undo that.
  child.target = event.target ?? child.target;
  child.startSite = event.site ?? child.startSite;
  child.poolId = event.pool ?? child.poolId;
  // The tracer's clock is finer than the scan's start time (clock ticks, or whole seconds from ps): prefer it.
  child.startedAt = seenByScanOnly || child.startedAtEarlyMs !== undefined ? event.time : Math.min(child.startedAt ?? event.time, event.time);
  child.startedAtEarlyMs = undefined;
  store.touch(child);
}

function onJoin(store: ModelStore, run: RunRecord, event: EventOf<'join'>): void {
  const joiner = store.findAt(run.id, event.pid, event.time);
  if (!joiner || !isAlive(joiner)) {
    return;
  }
  // A child that is exiting joins its own children from its exit handlers: it stays `exiting`.
  const blocks = joiner.state !== 'exiting';
  if (event.phase === 'enter') {
    joiner.joins.push({ childPid: event.child, timeout: event.timeout, enteredAt: event.time });
    if (blocks) {
      joiner.state = 'joining';
      joiner.joiningPid = event.child;
      joiner.joinTimeout = event.timeout;
    }
  } else {
    const span = [...joiner.joins].reverse().find((j) => j.childPid === event.child && j.leftAt === undefined);
    if (span) {
      span.leftAt = event.time;
    }
    if (blocks && joiner.joiningPid === event.child) {
      joiner.state = 'running';
      joiner.joiningPid = undefined;
      joiner.joinTimeout = undefined;
    }
  }
  store.touch(joiner);
}

function becomeMultiprocessingChild(record: ProcessRecord, name: string, daemon: boolean): void {
  if (record.kind !== 'program') {
    record.kind = 'mp-child';
  }
  record.python = true;
  record.traced = true;
  record.name = name;
  record.daemon = daemon;
}

/**
 * The live record for a process that is starting, or a new one if its pid is new (or reused).
 * `createdThen`: the news is its parent's report that it created the process, stamped at `time`
 * just before the fork; otherwise it is the process's own, sent at `time`.
 */
function beginning(
  context: TracerContext,
  run: RunRecord,
  pid: number,
  kind: ProcessKind,
  name: string,
  time: number,
  ppid?: number,
  createdThen = false,
): ProcessRecord {
  const { store } = context;
  // The parent writes its report after the fork: the process existed once the report arrived.
  const existedBy = createdThen ? Math.max(time, store.now()) : time;
  const known = createdThen ? createdSince(store, run, pid, time) : store.findAt(run.id, pid, time);
  // Processes may report on different connections (every new interpreter opens its own), so
  // news from a child can arrive after its parent reported it ended; an event older than that end is about the same process, and one
  // newer is about a newcomer that reuses the pid. A zombie has ended too.
  const over = (known?.state === 'exited' || known?.state === 'zombie') && known.endedAt !== undefined;
  const lateNews = over && time <= known.endedAt!;
  if (known && (!over || lateNews)) {
    if (known.ppid === undefined && ppid !== undefined) {
      known.ppid = known.originalPpid = ppid;
    }
    known.existedBy = Math.min(known.existedBy ?? existedBy, existedBy);
    return known;
  }
  const record = context.store.create(run.id, pid, kind, name, ppid, time);
  record.existedBy = existedBy;
  context.firstSight(record);
  return record;
}

/**
 * The record of the process its parent reports it created at `time` (see findStartedSince),
 * however long after that stamp it was forked and whichever source told of it first.
 */
function createdSince(store: ModelStore, run: RunRecord, pid: number, time: number): ProcessRecord | undefined {
  const found = store.findStartedSince(run.id, pid, time, startTimeSlackMs(run));
  const newest = store.find(run.id, pid);
  if (!found && newest && isAlive(newest)) {
    // The parent says it created this pid, but the record is of a process that began before
    // that: it has ended (a pid is reused only once its process is gone), unseen by any scan yet.
    gone(store, newest, time);
  }
  return found;
}
