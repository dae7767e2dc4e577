import { ProcessSnapshot } from '../scan/processSnapshot';
import { ProcessRecord, RunRecord } from './processRecord';

/*
 * Which processes belong to a run, from the OS's evidence only. A tracer
 * message can name and describe a process; only this decides that it is
 * ours, and so that ProcLens may ever signal it.
 */

/**
 * Clock ticks (10 ms) and the boot time both round the OS's start times, the
 * tracer's clock is Python's, and the wall clock may have been slewed since
 * boot: a process the tracer spoke of at time t cannot have been started by
 * the OS later than t plus this. Generous, since a pid is not reused within a
 * second, and erring here only leaves a process unconfirmed (never signalled).
 */
export const START_TIME_SLACK_MS = 1000;

/**
 * START_TIME_SLACK_MS, widened by how early the run's lister may read a start time: ps
 * prints whole seconds, and on Linux adds them to a boot time in whole seconds, so its
 * start times may read up to 2 s early. Only where an OS start time earlier than a tracer
 * time would count as evidence of another process does this matter.
 */
export function startTimeSlackMs(run: Pick<RunRecord, 'lister'> | undefined): number {
  return START_TIME_SLACK_MS + (run?.lister?.capabilities.startTimeEarlyMs ?? 0);
}

/** Started no earlier than the run's program (when both start times are known). */
export function startedWithinRun(snapshot: ProcessSnapshot, top: ProcessRecord | undefined): boolean {
  if (snapshot.startTime === undefined || top?.osStartTime === undefined) {
    return true;
  }
  return snapshot.startTime >= top.osStartTime;
}

/**
 * Whether the OS shows `snapshot` inside the run: its program, a child of a
 * process already confirmed as a member, or (for a run ProcLens started in a
 * session of its own) a process of that session. In every case it started no
 * earlier than the program.
 */
export function isRunMember(
  run: RunRecord,
  top: ProcessRecord | undefined,
  snapshot: ProcessSnapshot,
  confirmedParent: ProcessRecord | undefined,
): boolean {
  if (!top?.identity || !startedWithinRun(snapshot, top)) {
    return false;
  }
  if (snapshot.pid === top.pid) {
    return snapshot.identity === top.identity;
  }
  if (confirmedParent?.identity !== undefined && notBefore(snapshot, confirmedParent)) {
    return true;
  }
  return inRunSession(run, top, snapshot);
}

/**
 * In the session ProcLens started the run in (see RunRecord.sessionLeader).
 * An attached process shares its session with whatever started it, so only
 * its descendants count; and once the program has ended the session's id may
 * name someone else's session, so only a process started while it still ran
 * counts.
 */
export function inRunSession(run: RunRecord, top: ProcessRecord, snapshot: ProcessSnapshot): boolean {
  const leader = run.sessionLeader ?? top.pid;
  if (run.attached || snapshot.sessionId === undefined || snapshot.sessionId !== leader) {
    return false;
  }
  if (snapshot.pid === leader && leader !== top.pid) {
    return false; // The terminal launcher: it leads the session, but ProcLens started it, not the program.
  }
  const topEnd = top.state === 'exited' ? top.endedAt : undefined;
  return topEnd === undefined || snapshot.startTime === undefined || snapshot.startTime <= topEnd + START_TIME_SLACK_MS;
}

/**
 * Whether the OS process in `snapshot` can be the one the tracer spoke of in
 * `record`: it must have started by the time the tracer showed it existed
 * (`record.existedBy`). A later start means the pid was reused by someone
 * else meanwhile.
 */
export function couldBe(record: ProcessRecord, snapshot: ProcessSnapshot): boolean {
  const existedBy = record.existedBy ?? record.startedAt;
  if (snapshot.startTime === undefined || existedBy === undefined) {
    return true;
  }
  return snapshot.startTime <= existedBy + START_TIME_SLACK_MS;
}

function notBefore(snapshot: ProcessSnapshot, parent: ProcessRecord): boolean {
  return snapshot.startTime === undefined || parent.osStartTime === undefined || snapshot.startTime >= parent.osStartTime;
}
