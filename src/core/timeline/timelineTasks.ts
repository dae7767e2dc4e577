import { ProcessRecord, TaskSpan } from '../model/processRecord';
import { LaneSpan } from './timelineWaits';

/** A pool worker's task (or several short ones merged) drawn as a segment on the worker's lane. */
export interface TimelineTask {
  /** The same task keeps its id from one build to the next, so the webview is sent each ended task once. */
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** Still running: `to` is now, and the segment grows with the clock. */
  readonly open: boolean;
  /** The model's span, for its words: the call, how many calls and tasks, what failed, whether it was lost. */
  readonly task: TaskSpan;
}

const ids = new WeakMap<TaskSpan, number>();
let lastId = 0;
const idOf = (span: TaskSpan) => ids.get(span) ?? (ids.set(span, ++lastId), lastId);

/** The worker's tasks, oldest first, the running one last; each within the lane's stretch. */
export function tasksOf(record: ProcessRecord, lane: LaneSpan): TimelineTask[] {
  const tasks = record.tasks;
  if (!tasks) {
    return [];
  }
  const spans = tasks.current ? [...tasks.spans, tasks.current] : tasks.spans;
  return spans.map((task) => {
    const from = clamp(task.startedAt, lane.from, lane.until);
    return { id: idOf(task), from, to: clamp(task.endedAt ?? lane.until, from, lane.until), open: task.endedAt === undefined && lane.open, task };
  });
}

const clamp = (time: number, low: number, high: number) => Math.min(Math.max(time, low), high);
