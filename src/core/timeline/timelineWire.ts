import { LaneView, TaskView, ThreadView, TimelineView, WaitView } from './timelineView';

/** Calls as they travel: one the webview already has goes as its id alone. */
export type WireWaits = ReadonlyArray<WaitView | number>;

/** Tasks as they travel: likewise. */
export type WireTasks = ReadonlyArray<TaskView | number>;

export interface WireThread extends Omit<ThreadView, 'waits'> {
  readonly waits: WireWaits;
}

export interface WireLane extends Omit<LaneView, 'waits' | 'threads' | 'tasks'> {
  readonly waits: WireWaits;
  readonly threads: readonly WireThread[];
  readonly tasks: WireTasks;
}

/** A TimelineView as posted to the webview (media/timeline/timeline.js unpacks it). */
export interface WireView extends Omit<TimelineView, 'lanes'> {
  readonly lanes: readonly WireLane[];
}

/**
 * What the webview was sent. A call that has returned never changes, and a run
 * of 200 processes keeps up to 200 calls each: posted whole with every change,
 * they would be megabytes a time. Each is sent once; the webview keeps those
 * the last view named, and forgets the rest, as this does. A pool worker's
 * ended tasks go the same way, except that the last one changes when a short
 * task is merged into it: then it is sent again, in full.
 */
export class TimelineSent {
  private sent = new Set<number>();
  /** Each task's view as sent: presentTask gives the same object for as long as its words stay the same. */
  private tasksSent = new Map<number, TaskView>();

  /** The webview (re)loaded with nothing: send everything again. */
  reset(): void {
    this.sent.clear();
    this.tasksSent.clear();
  }

  pack(view: TimelineView): WireView {
    const named = new Set<number>();
    const tasksNamed = new Map<number, TaskView>();
    const packed = (waits: readonly WaitView[]): WireWaits =>
      waits.map((wait) => {
        if (wait.open) {
          return wait;
        }
        named.add(wait.id);
        return this.sent.has(wait.id) ? wait.id : wait;
      });
    const packedTasks = (tasks: readonly TaskView[]): WireTasks =>
      tasks.map((task) => {
        if (task.open) {
          return task;
        }
        tasksNamed.set(task.id, task);
        return this.tasksSent.get(task.id) === task ? task.id : task;
      });
    const lanes = view.lanes.map((lane) => ({
      ...lane,
      waits: packed(lane.waits),
      threads: lane.threads.map((thread) => ({ ...thread, waits: packed(thread.waits) })),
      tasks: packedTasks(lane.tasks),
    }));
    this.sent = named;
    this.tasksSent = tasksNamed;
    return { ...view, lanes };
  }
}
