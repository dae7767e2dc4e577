import { ProcessRecord, ThreadRecord, WaitSpan } from '../model/processRecord';
import { TargetSite } from '../protocol/tracerEvents';

/** One blocking call drawn as a blocked stretch: on its process's lane (main thread) or its thread's. */
export interface TimelineWait {
  /** The same call keeps its id from one build to the next, so the webview is sent each ended call once. */
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** Not returned yet: `to` is now, and the stretch grows with the clock. */
  readonly open: boolean;
  /** The model's span, for its words: the call, what it waits on, the line that made it. */
  readonly wait: WaitSpan;
}

/** A thread other than the main one, as a thin lane under its process. */
export interface TimelineThread {
  readonly tid: number;
  readonly name: string;
  readonly daemon: boolean;
  readonly target?: TargetSite;
  readonly from: number;
  readonly to: number;
  /** Still running: `to` is now. */
  readonly open: boolean;
  readonly waits: readonly TimelineWait[];
}

/** The stretch a process's lane covers: `until` is its end, or now (then `open`). */
export interface LaneSpan {
  readonly from: number;
  readonly until: number;
  readonly open: boolean;
}

const ids = new WeakMap<WaitSpan, number>();
let lastId = 0;
const idOf = (span: WaitSpan) => ids.get(span) ?? (ids.set(span, ++lastId), lastId);

/**
 * The waits of a process, split by thread: the main thread's go on the process's
 * lane. Without a main thread known (a tracer that did not name threads), every
 * wait of a thread it does not know is taken as the main thread's.
 */
export function waitsByThread(record: ProcessRecord, lane: LaneSpan): { main: TimelineWait[]; byThread: Map<ThreadRecord, WaitSpan[]> } {
  const mainTid = record.threads.find((t) => t.main)?.tid;
  const main: TimelineWait[] = [];
  const byThread = new Map<ThreadRecord, WaitSpan[]>();
  for (const span of record.waits) {
    const thread = threadOf(record, span);
    if (thread && !thread.main) {
      const spans = byThread.get(thread) ?? [];
      spans.push(span);
      byThread.set(thread, spans);
    } else if (thread || mainTid === undefined) {
      main.push(waitOf(span, lane));
    }
  }
  return { main, byThread };
}

/** The lanes of the threads other than the main one, in the order they started. */
export function threadLanes(record: ProcessRecord, lane: LaneSpan, byThread: Map<ThreadRecord, WaitSpan[]>): TimelineThread[] {
  return record.threads
    .filter((thread) => !thread.main)
    .map((thread) => {
      const from = clamp(thread.startedAt ?? lane.from, lane.from, lane.until);
      const open = thread.endedAt === undefined && lane.open;
      const span: LaneSpan = { from, until: clamp(thread.endedAt ?? lane.until, from, lane.until), open };
      return {
        tid: thread.tid,
        name: thread.name,
        daemon: thread.daemon,
        target: thread.target,
        from,
        to: span.until,
        open,
        waits: (byThread.get(thread) ?? []).map((wait) => waitOf(wait, span)),
      };
    });
}

/** The thread that made the call: the newest with its id that had started by then (ids are reused). */
function threadOf(record: ProcessRecord, span: WaitSpan): ThreadRecord | undefined {
  for (let i = record.threads.length - 1; i >= 0; i--) {
    const thread = record.threads[i];
    if (thread.tid === span.tid && (thread.main || (thread.startedAt ?? -Infinity) <= span.enteredAt)) {
      return thread;
    }
  }
  return undefined;
}

/** A call still blocked when its thread or process ended never got its woke: it ended with them. */
function waitOf(wait: WaitSpan, lane: LaneSpan): TimelineWait {
  const from = clamp(wait.enteredAt, lane.from, lane.until);
  return {
    id: idOf(wait),
    from,
    to: clamp(wait.leftAt ?? lane.until, from, lane.until),
    open: wait.leftAt === undefined && lane.open,
    wait,
  };
}

const clamp = (time: number, low: number, high: number) => Math.min(Math.max(time, low), high);
