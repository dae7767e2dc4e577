import { ProcessKind, ProcessRecord, RunRecord } from '../model/processRecord';
import { formatDuration, formatExitCode, processDescription, runStateText, stateText, Translate, zombieText } from '../present/processText';
import { buildTimeline, TimelineLane, TimelineMark, TimelineOptions, TimelineSegment } from './timelineData';
import { at, stretch } from './timeText';
import { presentTask, TaskView } from './tasksView';
import { presentProblem, presentThread, presentWait, ProblemView, ThreadView, WaitView } from './waitsView';

export type { TaskView } from './tasksView';
export type { ProblemView, ThreadView, WaitView } from './waitsView';

type Titled<T> = T & { readonly title: string };

/** A stretch of a lane's life, with an id that stays the same from one redraw to the next. */
export type SegmentView = Titled<TimelineSegment> & { readonly id: string };

/** A lane with every word the webview shows for it: the webview itself has no words of its own. */
export interface LaneView extends Omit<TimelineLane, 'segments' | 'marks' | 'waits' | 'threads' | 'tasks'> {
  readonly segments: readonly SegmentView[];
  readonly waits: readonly WaitView[];
  readonly threads: readonly ThreadView[];
  readonly tasks: readonly TaskView[];
  readonly marks: ReadonlyArray<Titled<TimelineMark>>;
  /** `PID 4711`. */
  readonly pidText: string;
  /** Read by screen readers: the name and the tree's description. */
  readonly label: string;
  /** The hover on the name: every name it had, its state, when it started and ended. */
  readonly nameTitle: string;
  /** After the last bar: `0`, `−15 SIGTERM`. */
  readonly exitText?: string;
  readonly exitTitle?: string;
  readonly reapedTitle?: string;
}

export interface AxisTick {
  readonly time: number;
  readonly label: string;
}

export interface LegendEntry {
  readonly kind: TimelineSegment['kind'] | 'blocked' | 'signal' | 'reaped' | 'task' | 'task-failed' | 'task-lost';
  readonly label: string;
}

/**
 * What changes while the model does not: the clock. A live run's view is posted
 * whole when the model changes, and only this, once a second, in between.
 */
export interface TimelineClock {
  /** Now while the run is live: every open stretch ends here. */
  readonly end: number;
  readonly axis: readonly AxisTick[];
  /**
   * The titles of the open stretches, which say how long they have lasted:
   * segments by their id, calls by theirs, tasks by `task/` and theirs.
   */
  readonly open: ReadonlyArray<{ readonly id: string | number; readonly title: string }>;
  /** Deadlocks found now: one is named only once its wait has lasted a while. */
  readonly problems: readonly ProblemView[];
}

/** What the timeline webview draws: the run's data, with every word already translated. */
export interface TimelineView {
  readonly title: string;
  readonly start: number;
  readonly live: boolean;
  readonly clock: TimelineClock;
  readonly legend: readonly LegendEntry[];
  readonly lanes: readonly LaneView[];
  /** The chart's accessible name. */
  readonly chartLabel: string;
  /** Shown when the run has no process yet. */
  readonly empty: string;
}

/** Ten or fewer ticks whatever the run's length, on round steps. */
const tickSteps = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];

export function axisTicks(start: number, end: number): AxisTick[] {
  const span = end - start;
  const step = tickSteps.find((s) => span / s <= 10) ?? Math.ceil(span / 10 / 3_600_000) * 3_600_000;
  const ticks: AxisTick[] = [];
  for (let offset = 0; offset <= span; offset += step) {
    ticks.push({ time: start + offset, label: offset === 0 ? '0' : formatDuration(offset) });
  }
  return ticks;
}

/** The timeline of one run, as the webview draws it; `t` translates (the extension passes `vscode.l10n.t`). */
export function presentTimeline(
  run: RunRecord,
  records: readonly ProcessRecord[],
  now: number,
  label: string,
  t: Translate,
  options: TimelineOptions = {},
): TimelineView {
  const data = buildTimeline(run, records, now, options);
  const byKey = new Map(records.map((r) => [r.key, r]));
  const named = (pid: number) => {
    const lane = data.lanes.find((l) => l.pid === pid);
    return lane ? `${lane.name} (${t('PID {0}', pid)})` : t('PID {0}', pid);
  };
  const asker = (pid: number) => (pid === 0 ? 'ProcLens' : named(pid));
  const nameOf = (key: string | undefined) => data.lanes.find((l) => l.key === key)?.name;

  const present = (lane: TimelineLane): LaneView => {
    const record = byKey.get(lane.key)!;
    const openJoin = record.state === 'joining' ? [...lane.segments].reverse().find((s) => s.kind === 'joining') : undefined;
    const description = processDescription(record, nameOf(openJoin?.target), t);
    const exitText =
      lane.exit && (lane.exit.code === null ? t('exit code unknown') : `${formatExitCode(lane.exit.code)}${lane.exit.signal ? ` ${lane.exit.signal}` : ''}`);
    const names = lane.formerNames.length ? `${lane.name} (${t('was')} ${lane.formerNames.join(', ')})` : lane.name;
    return {
      ...lane,
      segments: lane.segments.map((segment, k) => ({
        ...segment,
        id: `${lane.key}/segment/${k}`,
        title: segmentTitle(segment, lane.kind, nameOf(segment.target), t),
      })),
      waits: lane.waits.map((wait) => presentWait(wait, t)),
      threads: lane.threads.map((thread, k) => presentThread(thread, lane.key, k, t)),
      tasks: lane.tasks.map((task) => presentTask(task, t)),
      marks: lane.marks.map((mark) => ({ ...mark, title: t('{0} asked for by {1} at {2}', mark.signal, asker(mark.by), at(mark.time)) })),
      pidText: t('PID {0}', lane.pid),
      label: `${lane.name}, ${description}`,
      nameTitle: [
        names,
        description,
        lane.startedAt !== undefined ? t('started at {0}', at(lane.startedAt)) : undefined,
        lane.endedAt !== undefined ? t('ended at {0}', at(lane.endedAt)) : undefined,
      ]
        .filter((line) => line !== undefined)
        .join('\n'),
      exitText,
      // A zombie has its code already: say it the way the tree will once it is collected.
      exitTitle: lane.exit && `${stateText({ ...record, state: 'exited' }, undefined, t)} · ${at(lane.exit.time)}`,
      reapedTitle: lane.reapedAt !== undefined ? t('exit code collected by its parent at {0}', at(lane.reapedAt)) : undefined,
    };
  };

  const lanes = data.lanes.map(present);
  return {
    title: `${label} · ${runStateText(run, t)}`,
    start: data.start,
    live: data.live,
    clock: {
      end: data.end,
      axis: axisTicks(data.start, data.end),
      open: openTitles(lanes),
      problems: data.problems.map((problem) => presentProblem(problem, named, t)),
    },
    legend: [
      { kind: 'running', label: t('running') },
      { kind: 'joining', label: t('blocked in join()') },
      { kind: 'blocked', label: t('blocked in a call') },
      { kind: 'exiting', label: t('exiting (exit handlers)') },
      { kind: 'zombie', label: t('zombie (not joined)') },
      { kind: 'signal', label: t('terminate or kill asked for') },
      { kind: 'reaped', label: t('exit code collected') },
      // Only for a run with a process pool: most runs have none.
      ...(lanes.some((lane) => lane.tasks.length)
        ? ([
            { kind: 'task', label: t('pool task') },
            { kind: 'task-failed', label: t('pool task that raised') },
            { kind: 'task-lost', label: t('pool task lost: its worker died') },
          ] as const)
        : []),
    ],
    lanes,
    chartLabel: t('Timeline of {0}', label),
    empty: t('No process seen yet.'),
  };
}

function openTitles(lanes: readonly LaneView[]): TimelineClock['open'] {
  const open: Array<{ id: string | number; title: string }> = [];
  const add = (item: { readonly id: string | number; readonly title: string; readonly open?: boolean }) => item.open && open.push({ id: item.id, title: item.title });
  for (const lane of lanes) {
    lane.segments.forEach(add);
    lane.waits.forEach(add);
    lane.threads.forEach((thread) => thread.waits.forEach(add));
    lane.tasks.forEach((task) => task.open && open.push({ id: `task/${task.id}`, title: task.title }));
  }
  return open;
}

function segmentTitle(segment: TimelineSegment, kind: ProcessKind, targetName: string | undefined, t: Translate): string {
  const times = stretch(segment.from, segment.to);
  switch (segment.kind) {
    case 'running':
      return t('running {0}', times);
    case 'joining': {
      const what = targetName ? t('joining {0}', targetName) : t('joining');
      const timeout = segment.timeout !== null && segment.timeout !== undefined ? ` · ${t('timeout {0} s', segment.timeout)}` : '';
      return `${what}${timeout} · ${times}`;
    }
    case 'exiting':
      return `${t('exiting (exit handlers)')} · ${times}`;
    case 'zombie':
      return `${zombieText(kind, t)} · ${times}`;
  }
}
