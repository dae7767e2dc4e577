import { signalOfExitCode } from './exitCodes';
import { ModelStore } from './modelStore';
import { isAlive, ProcessRecord } from './processRecord';

/*
 * How a process ends, one step at a time. The tracer can only say that the
 * child's own code finished (`exiting`); the OS (a zombie, or no process)
 * or the parent's reaping is what says it ended.
 */

/** The child's code returned `code`; the process may still run its exit handlers. */
export function codeReturned(store: ModelStore, record: ProcessRecord, code: number | null, time: number): void {
  record.reportedExitCode = code;
  record.codeReturnedAt = time;
  if (isAlive(record)) {
    record.state = 'exiting';
    record.joiningPid = undefined;
  } else {
    lateExitCode(record, code);
  }
  store.touch(record);
}

/** The OS shows it as a zombie: ended, its exit status waiting for the parent. */
export function becameZombie(store: ModelStore, record: ProcessRecord, exitCode: number | null, at: number): void {
  record.state = 'zombie';
  record.joiningPid = undefined;
  record.endedAt ??= at;
  // The OS's wait status is the truth; without it, what the process reported is the best evidence.
  record.exitCode = exitCode ?? record.exitCode ?? reportedCode(record);
  record.signal = signalOfExitCode(record.exitCode);
  store.touch(record);
  parentEnded(store, record);
}

/**
 * The process is over: gone from the OS, or reaped. A code collected by the
 * parent (`reaped`) is the final word; otherwise a code already known is
 * never replaced by an unknown one.
 */
export function ended(store: ModelStore, record: ProcessRecord, exitCode: number | null, endedAt: number, reaped = false): void {
  const known = record.exitCode ?? reportedCode(record);
  record.exitCode = reaped || known === null ? exitCode : known;
  record.signal = signalOfExitCode(record.exitCode);
  record.endedAt = endedAt;
  record.state = 'exited';
  record.joiningPid = undefined;
  record.cpuPercent = undefined;
  store.touch(record);
  store.exitedNow(record);
  parentEnded(store, record);
}

/**
 * The OS no longer shows the process. A multiprocessing child whose Python
 * parent is alive stays a zombie until that parent collects it (join or
 * is_alive): under forkserver the OS reaps it early, but Python has not.
 */
export function gone(store: ModelStore, record: ProcessRecord, now: number): void {
  const parent = store.get(record.parentKey);
  const awaitedByPython = record.kind === 'mp-child' && parent !== undefined && parent.state !== 'exited';
  if (awaitedByPython && record.state !== 'zombie') {
    becameZombie(store, record, null, now);
  } else if (!awaitedByPython) {
    ended(store, record, record.exitCode ?? null, record.endedAt ?? now);
  }
}

/** The code arrived after the process was seen to end: fill it in if nothing better is known. */
export function lateExitCode(record: ProcessRecord, code: number | null): void {
  if ((record.exitCode === null || record.exitCode === undefined) && code !== null) {
    record.exitCode = code;
    record.signal = signalOfExitCode(code);
  }
}

/**
 * What its code returned, unless a signal was asked for: the signal may have
 * ended it (in its exit handlers) with another status, so then it is unknown.
 */
function reportedCode(record: ProcessRecord): number | null {
  const code = record.reportedExitCode ?? null;
  return code !== null && record.signalsRequested.length === 0 ? code : null;
}

/** Its children are orphans now; its zombies are collected by init, so nobody will join them. */
export function parentEnded(store: ModelStore, parent: ProcessRecord): void {
  for (const child of store.childrenOf(parent)) {
    if (child.state === 'exited') {
      continue;
    }
    if (child.state === 'zombie' && parent.state === 'exited') {
      ended(store, child, child.exitCode ?? null, child.endedAt ?? parent.endedAt ?? store.now());
    } else if (child.state !== 'zombie' && !child.orphan) {
      child.orphan = true;
      store.touch(child);
    }
  }
}
