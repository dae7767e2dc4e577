import { Diagnosis, diagnoseRun } from '../diagnosis/deadlocks';
import { isAlive, JoinSpan, ProcessKind, ProcessRecord, ProcessState, RunRecord } from '../model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../model/processTree';
import { tasksOf, TimelineTask } from './timelineTasks';
import { LaneSpan, threadLanes, TimelineThread, TimelineWait, waitsByThread } from './timelineWaits';

export type { TimelineTask } from './timelineTasks';
export type { TimelineThread, TimelineWait } from './timelineWaits';

/**
 * A stretch of one process's life: `running`, blocked in `joining` (in
 * `join()` on a child), `exiting` (its code has returned, the process still
 * runs its exit handlers), or `zombie` (ended, its exit code not yet collected).
 */
export interface TimelineSegment {
  readonly kind: 'running' | 'joining' | 'exiting' | 'zombie';
  readonly from: number;
  readonly to: number;
  /** `joining`: the lane of the child it waits for, when that child is known. */
  readonly target?: string;
  /** `joining`: the timeout passed to `join()` in seconds; null for none. */
  readonly timeout?: number | null;
  /** It lasts until now: the stretch grows with the clock. */
  readonly open?: true;
}

/** A signal was asked for: `by` is the pid that asked, 0 for ProcLens itself. */
export interface TimelineMark {
  readonly kind: 'signal';
  readonly time: number;
  readonly signal: string;
  readonly by: number;
}

export interface TimelineExit {
  readonly time: number;
  /** Null when it ended but the code cannot be known. */
  readonly code: number | null;
  readonly signal?: string;
}

/** One process: its row in the timeline. */
export interface TimelineLane {
  readonly key: string;
  readonly pid: number;
  /** How far below the run's top process it is drawn, as in the tree. */
  readonly depth: number;
  readonly name: string;
  readonly formerNames: readonly string[];
  readonly kind: ProcessKind;
  readonly daemon: boolean;
  readonly state: ProcessState;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly reapedAt?: number;
  readonly exitCode?: number | null;
  readonly signal?: string;
  /** In time order, not overlapping. */
  readonly segments: readonly TimelineSegment[];
  /** Its main thread's blocking calls, drawn over the segments; oldest first. */
  readonly waits: readonly TimelineWait[];
  /** Its other threads: only when asked for, else none. */
  readonly threads: readonly TimelineThread[];
  /** A pool worker's tasks, oldest first: drawn beside its blocked calls, not over them. */
  readonly tasks: readonly TimelineTask[];
  readonly marks: readonly TimelineMark[];
  readonly exit?: TimelineExit;
}

/** A deadlock found in a live run, marked on the lane of the process whose wait never ends. */
export interface TimelineProblem {
  readonly key: string;
  readonly time: number;
  readonly diagnosis: Diagnosis;
}

export interface TimelineOptions {
  /** Draw each process's threads other than the main one as lanes of their own. */
  readonly threads?: boolean;
}

/** A whole run, as plain data (it travels to a webview as JSON). Times are ms since the epoch. */
export interface TimelineData {
  readonly start: number;
  /** When the run finished; `now` while it is live, so open stretches end there. */
  readonly end: number;
  readonly live: boolean;
  /** Parents before their children, siblings in the order they started, as in the tree. */
  readonly lanes: readonly TimelineLane[];
  /** Only while the run is live: a finished run has nothing left to unblock. */
  readonly problems: readonly TimelineProblem[];
}

export function buildTimeline(run: RunRecord, records: readonly ProcessRecord[], now: number, options: TimelineOptions = {}): TimelineData {
  const live = run.state === 'live';
  const end = live ? now : (run.endedAt ?? now);
  const ofRun = records.filter((r) => r.runId === run.id);
  const lanes: TimelineLane[] = [];
  const visit = (nodes: readonly ProcessTreeNode[], depth: number) => {
    for (const { record, children } of nodes) {
      lanes.push(laneOf(record, depth, ofRun, { start: run.startedAt, end, live }, options));
      visit(children, depth + 1);
    }
  };
  visit(buildProcessTree(ofRun), 0);
  return { start: run.startedAt, end, live, lanes, problems: live ? problemsOf(ofRun, now) : [] };
}

interface RunSpan {
  readonly start: number;
  readonly end: number;
  readonly live: boolean;
}

function laneOf(record: ProcessRecord, depth: number, records: readonly ProcessRecord[], run: RunSpan, options: TimelineOptions): TimelineLane {
  const ended = record.state === 'zombie' || record.state === 'exited';
  const span: LaneSpan = { from: record.startedAt ?? run.start, until: record.endedAt ?? run.end, open: run.live && record.endedAt === undefined };
  const { main, byThread } = waitsByThread(record, span);
  return {
    key: record.key,
    pid: record.pid,
    depth,
    name: record.name,
    formerNames: [...record.formerNames],
    kind: record.kind,
    daemon: record.daemon,
    state: record.state,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    reapedAt: record.reapedAt,
    exitCode: record.exitCode,
    signal: record.signal,
    segments: segmentsOf(record, records, span, run),
    waits: main,
    threads: options.threads ? threadLanes(record, span, byThread) : [],
    tasks: tasksOf(record, span),
    marks: record.signalsRequested.map(({ signal, by, time }) => ({ kind: 'signal', time, signal, by })),
    exit:
      ended && record.endedAt !== undefined && record.exitCode !== undefined
        ? { time: record.endedAt, code: record.exitCode, signal: record.signal }
        : undefined,
  };
}

function segmentsOf(record: ProcessRecord, records: readonly ProcessRecord[], lane: LaneSpan, run: RunSpan): TimelineSegment[] {
  const aliveUntil = lane.until;
  const clamp = (time: number, low: number) => Math.min(Math.max(time, low), aliveUntil);
  const segments: TimelineSegment[] = [];
  const push = (segment: TimelineSegment, open: boolean) => segments.push(open ? { ...segment, open } : segment);
  let cursor = lane.from;
  for (const join of record.joins) {
    // A join still open when the process died never got its leave event: it ended with the process.
    const from = clamp(join.enteredAt, cursor);
    const to = clamp(join.leftAt ?? aliveUntil, from);
    if (from > cursor) {
      push({ kind: 'running', from: cursor, to: from }, false);
    }
    push({ kind: 'joining', from, to, target: joinTarget(join, to, records), timeout: join.timeout }, join.leftAt === undefined && lane.open);
    cursor = to;
  }
  const exitingFrom = record.codeReturnedAt !== undefined ? clamp(record.codeReturnedAt, cursor) : aliveUntil;
  if (exitingFrom > cursor || !segments.length) {
    push({ kind: 'running', from: cursor, to: exitingFrom }, lane.open && record.codeReturnedAt === undefined);
  }
  if (aliveUntil > exitingFrom) {
    push({ kind: 'exiting', from: exitingFrom, to: aliveUntil }, lane.open);
  }
  if (record.endedAt !== undefined) {
    // Without a reaped time an exited record shows no zombie stretch: when it was collected is unknown.
    const zombie = record.state === 'zombie';
    const collected = zombie ? run.end : (record.reapedAt ?? record.endedAt);
    if (collected > record.endedAt) {
      push({ kind: 'zombie', from: record.endedAt, to: collected }, zombie && run.live);
    }
  }
  return segments;
}

/** Each diagnosis on the lane of its process: the live one with its pid (pids are reused). */
function problemsOf(records: readonly ProcessRecord[], now: number): TimelineProblem[] {
  return diagnoseRun(records, now).flatMap((diagnosis) => {
    const withPid = records.filter((r) => r.pid === diagnosis.pid);
    const record = withPid.find(isAlive) ?? withPid.at(-1);
    return record ? [{ key: record.key, time: diagnosis.since, diagnosis }] : [];
  });
}

/** The child a join waited for: the record with its pid whose life overlaps the join (pids are reused). */
function joinTarget(join: JoinSpan, joinEnd: number, records: readonly ProcessRecord[]): string | undefined {
  const overlapping = records.filter(
    (r) =>
      r.pid === join.childPid &&
      (r.startedAt ?? -Infinity) <= joinEnd &&
      (r.state === 'exited' ? (r.reapedAt ?? r.endedAt ?? Infinity) : Infinity) >= join.enteredAt,
  );
  return overlapping.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0)).at(-1)?.key;
}
