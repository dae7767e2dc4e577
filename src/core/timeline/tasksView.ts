import { TaskSpan } from '../model/processRecord';
import { taskCallText } from '../present/poolText';
import { Translate } from '../present/processText';
import { TimelineTask } from './timelineTasks';
import { stretch } from './timeText';

/** How a task segment is coloured: still `running`, `done`, `failed` (a call raised) or `lost` (its worker died running it). */
export type TaskOutcome = 'running' | 'done' | 'failed' | 'lost';

/** A pool task as the webview draws it. */
export interface TaskView {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly open: boolean;
  readonly outcome: TaskOutcome;
  /** The call, when and how long, how many tasks it stands for, what failed. */
  readonly title: string;
}

/**
 * An ended task's words change only when a short task that follows is merged
 * into it (then it ends later): a worker keeps up to 200, and the view is made
 * again with every change, so each is worded once per translator and end.
 */
const worded = new WeakMap<Translate, WeakMap<TaskSpan, TaskView>>();

export function presentTask(task: TimelineTask, t: Translate): TaskView {
  if (task.open) {
    return taskView(task, t);
  }
  let known = worded.get(t);
  if (!known) {
    worded.set(t, (known = new WeakMap()));
  }
  const before = known.get(task.task);
  if (before && before.from === task.from && before.to === task.to) {
    return before;
  }
  const view = taskView(task, t);
  known.set(task.task, view);
  return view;
}

function taskView({ id, from, to, open, task }: TimelineTask, t: Translate): TaskView {
  const call = taskCallText(task, t);
  const lines = [
    open ? t('running {0}', call) : call,
    stretch(from, to),
    task.tasks > 1 ? t('{0} short tasks back to back, drawn as one', task.tasks) : undefined,
    task.failed ? (task.error ? t('{0} failed: {1}', task.failed, task.error) : t('{0} failed', task.failed)) : undefined,
    task.lost ? t('lost: the worker died running it') : undefined,
  ];
  return { id, from, to, open, outcome: outcomeOf(task, open), title: lines.filter(Boolean).join('\n') };
}

function outcomeOf(task: TaskSpan, open: boolean): TaskOutcome {
  if (task.lost) {
    return 'lost';
  }
  if (open) {
    return 'running';
  }
  return task.failed ? 'failed' : 'done';
}
