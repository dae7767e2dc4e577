import { signalOfExitCode } from './exitCodes';
import { ModelStore } from './modelStore';
import { isAlive, ProcessRecord } from './processRecord';
import { tasksEnded } from './pools';
import { threadsEnded } from './threadsAndWaits';

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
    lateExitCode(store, record, code, false);
  }
  store.touch(record);
}

/** The OS shows it as a zombie: ended, its exit status waiting for the parent. */
export function becameZombie(store: ModelStore, record: ProcessRecord, exitCode: number | null, at: number): void {
  if (store.os === 'windows') {
    // No process is ever a zombie there (no lister reports one): whatever said it ended, it has.
    return ended(store, record, exitCode, record.endedAt ?? at, exitCode !== null);
  }
  record.state = 'zombie';
  record.joiningPid = undefined;
  record.endedAt ??= at;
  threadsEnded(record, record.endedAt);
  tasksEnded(record, record.endedAt);
  // The OS's wait status is the truth; without it, what the process reported is the best evidence.
  record.exitCodeSettled ||= exitCode !== null;
  record.exitCode = exitCode ?? record.exitCode ?? reportedCode(record);
  record.signal = signalOfExitCode(record.exitCode, store.os);
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
  if (exitCode !== null && (reaped || known === null)) {
    record.exitCode = exitCode;
    record.exitCodeSettled ||= reaped;
  } else {
    record.exitCode = known;
  }
  record.signal = signalOfExitCode(record.exitCode, store.os);
  record.endedAt = endedAt;
  threadsEnded(record, endedAt);
  tasksEnded(record, endedAt);
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
 * Windows has no zombies: a process gone from its listing has ended.
 */
export function gone(store: ModelStore, record: ProcessRecord, now: number): void {
  const parent = store.get(record.parentKey);
  const awaitedByPython = store.os === 'posix' && record.kind === 'mp-child' && parent !== undefined && isAlive(parent);
  if (awaitedByPython && record.state !== 'zombie') {
    becameZombie(store, record, null, now);
  } else if (!awaitedByPython) {
    ended(store, record, record.exitCode ?? null, record.endedAt ?? now);
  }
}

/**
 * The code arrived after the process was seen to end. It fills in an unknown
 * code; one that `settles` (the parent's reaping) also replaces a code taken
 * from the process's own report, which a signal may have overtaken.
 */
export function lateExitCode(store: ModelStore, record: ProcessRecord, code: number | null, settles: boolean): void {
  if (code === null || record.exitCodeSettled) {
    return;
  }
  if (record.exitCode === null || record.exitCode === undefined || settles) {
    record.exitCode = code;
    record.signal = signalOfExitCode(code, store.os);
    record.exitCodeSettled = settles;
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

/**
 * Its zombies are collected by init, so nobody will join them. Its live
 * children are not marked orphans here: one may have ended unseen just
 * before it. Only an OS listing taken after the parent ended and still
 * showing the child says it outlived its parent (see scanNews.ts).
 */
export function parentEnded(store: ModelStore, parent: ProcessRecord): void {
  if (isAlive(parent)) {
    return;
  }
  for (const child of store.childrenOf(parent)) {
    if (child.state === 'zombie') {
      ended(store, child, child.exitCode ?? null, child.endedAt ?? parent.endedAt ?? store.now());
    }
  }
}
