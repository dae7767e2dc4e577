import { JoinSpan, ProcessKind, ProcessRecord, ProcessState, RunRecord } from '../model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../model/processTree';

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
  readonly marks: readonly TimelineMark[];
  readonly exit?: TimelineExit;
}

/** A whole run, as plain data (it travels to a webview as JSON). Times are ms since the epoch. */
export interface TimelineData {
  readonly start: number;
  /** When the run finished; `now` while it is live, so open stretches end there. */
  readonly end: number;
  readonly live: boolean;
  /** Parents before their children, siblings in the order they started, as in the tree. */
  readonly lanes: readonly TimelineLane[];
}

export function buildTimeline(run: RunRecord, records: readonly ProcessRecord[], now: number): TimelineData {
  const live = run.state === 'live';
  const end = live ? now : (run.endedAt ?? now);
  const ofRun = records.filter((r) => r.runId === run.id);
  const lanes: TimelineLane[] = [];
  const visit = (nodes: readonly ProcessTreeNode[], depth: number) => {
    for (const { record, children } of nodes) {
      lanes.push(laneOf(record, depth, ofRun, run.startedAt, end));
      visit(children, depth + 1);
    }
  };
  visit(buildProcessTree(ofRun), 0);
  return { start: run.startedAt, end, live, lanes };
}

function laneOf(record: ProcessRecord, depth: number, records: readonly ProcessRecord[], runStart: number, end: number): TimelineLane {
  const ended = record.state === 'zombie' || record.state === 'exited';
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
    segments: segmentsOf(record, records, record.startedAt ?? runStart, end),
    marks: record.signalsRequested.map(({ signal, by, time }) => ({ kind: 'signal', time, signal, by })),
    exit:
      ended && record.endedAt !== undefined && record.exitCode !== undefined
        ? { time: record.endedAt, code: record.exitCode, signal: record.signal }
        : undefined,
  };
}

function segmentsOf(record: ProcessRecord, records: readonly ProcessRecord[], start: number, end: number): TimelineSegment[] {
  const aliveUntil = record.endedAt ?? end;
  const clamp = (time: number, low: number) => Math.min(Math.max(time, low), aliveUntil);
  const segments: TimelineSegment[] = [];
  let cursor = start;
  for (const join of record.joins) {
    // A join still open when the process died never got its leave event: it ended with the process.
    const from = clamp(join.enteredAt, cursor);
    const to = clamp(join.leftAt ?? aliveUntil, from);
    if (from > cursor) {
      segments.push({ kind: 'running', from: cursor, to: from });
    }
    segments.push({ kind: 'joining', from, to, target: joinTarget(join, to, records), timeout: join.timeout });
    cursor = to;
  }
  const exitingFrom = record.codeReturnedAt !== undefined ? clamp(record.codeReturnedAt, cursor) : aliveUntil;
  if (exitingFrom > cursor || !segments.length) {
    segments.push({ kind: 'running', from: cursor, to: exitingFrom });
  }
  if (aliveUntil > exitingFrom) {
    segments.push({ kind: 'exiting', from: exitingFrom, to: aliveUntil });
  }
  if (record.endedAt !== undefined) {
    // Without a reaped time an exited record shows no zombie stretch: when it was collected is unknown.
    const collected = record.state === 'zombie' ? end : (record.reapedAt ?? record.endedAt);
    if (collected > record.endedAt) {
      segments.push({ kind: 'zombie', from: record.endedAt, to: collected });
    }
  }
  return segments;
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
