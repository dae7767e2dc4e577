import { ProcessKind, ProcessRecord, RunRecord } from '../model/processRecord';
import { formatDuration, formatExitCode, processDescription, runStateText, stateText, Translate, zombieText } from '../present/processText';
import { buildTimeline, TimelineLane, TimelineMark, TimelineSegment } from './timelineData';

type Titled<T> = T & { readonly title: string };

/** A lane with every word the webview shows for it: the webview itself has no words of its own. */
export interface LaneView extends Omit<TimelineLane, 'segments' | 'marks'> {
  readonly segments: ReadonlyArray<Titled<TimelineSegment>>;
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
  readonly kind: TimelineSegment['kind'] | 'signal' | 'reaped';
  readonly label: string;
}

/** What the timeline webview draws: the run's data, with every word already translated. */
export interface TimelineView {
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly live: boolean;
  readonly axis: readonly AxisTick[];
  readonly legend: readonly LegendEntry[];
  readonly lanes: readonly LaneView[];
  /** The chart's accessible name. */
  readonly chartLabel: string;
  /** Shown when the run has no process yet. */
  readonly empty: string;
}

// Made on first use: building a DateTimeFormat costs about 25 ms, which at load time would
// be paid by every activation of the extension, timeline or not.
let clock: Intl.DateTimeFormat | undefined;
const at = (time: number) =>
  (clock ??= new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  })).format(time);
const stretch = (from: number, to: number) => `${at(from)} → ${at(to)} (${formatDuration(to - from)})`;

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
export function presentTimeline(run: RunRecord, records: readonly ProcessRecord[], now: number, label: string, t: Translate): TimelineView {
  const data = buildTimeline(run, records, now);
  const byKey = new Map(records.map((r) => [r.key, r]));
  const asker = (pid: number) => {
    if (pid === 0) {
      return 'ProcLens';
    }
    const lane = data.lanes.find((l) => l.pid === pid);
    return lane ? `${lane.name} (${t('PID {0}', pid)})` : t('PID {0}', pid);
  };
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
      segments: lane.segments.map((segment) => ({ ...segment, title: segmentTitle(segment, lane.kind, nameOf(segment.target), t) })),
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

  return {
    title: `${label} · ${runStateText(run, t)}`,
    start: data.start,
    end: data.end,
    live: data.live,
    axis: axisTicks(data.start, data.end),
    legend: [
      { kind: 'running', label: t('running') },
      { kind: 'joining', label: t('blocked in join()') },
      { kind: 'exiting', label: t('exiting (exit handlers)') },
      { kind: 'zombie', label: t('zombie (not joined)') },
      { kind: 'signal', label: t('terminate or kill asked for') },
      { kind: 'reaped', label: t('exit code collected') },
    ],
    lanes: data.lanes.map(present),
    chartLabel: t('Timeline of {0}', label),
    empty: t('No process seen yet.'),
  };
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
