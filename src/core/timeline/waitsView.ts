import { WaitSpan } from '../model/processRecord';
import { Translate } from '../present/processText';
import { diagnosisText, NameOf, siteText, waitText } from '../present/waitText';
import { TimelineProblem, TimelineThread, TimelineWait } from './timelineData';
import { at, stretch } from './timeText';

/** A blocked stretch as the webview draws it. */
export interface WaitView {
  readonly id: number;
  /** `Lock.acquire`. */
  readonly call: string;
  readonly from: number;
  readonly to: number;
  readonly open: boolean;
  /** What it waited for, for how long, and the line that called it. */
  readonly title: string;
}

/** A thread's thin lane under its process. */
export interface ThreadView {
  /** Stable across redraws, for the hover. */
  readonly id: string;
  readonly tid: number;
  /** `QueueFeederThread · daemon`. */
  readonly nameText: string;
  /** The hover on the name: what it runs, when it started and ended. */
  readonly title: string;
  readonly from: number;
  readonly to: number;
  readonly open: boolean;
  readonly waits: readonly WaitView[];
}

/** A deadlock's warning on a lane: what is wrong, and how to fix it. */
export interface ProblemView {
  readonly key: string;
  readonly time: number;
  readonly kind: TimelineProblem['diagnosis']['kind'];
  readonly title: string;
}

/**
 * An ended call's words never change: a run keeps up to 200 calls a process, and
 * the view is made again with every change, so each is worded once per translator.
 */
const worded = new WeakMap<Translate, WeakMap<WaitSpan, WaitView>>();

export function presentWait(wait: TimelineWait, t: Translate): WaitView {
  if (wait.open) {
    return waitView(wait, t);
  }
  let known = worded.get(t);
  if (!known) {
    worded.set(t, (known = new WeakMap()));
  }
  const before = known.get(wait.wait);
  if (before && before.from === wait.from && before.to === wait.to) {
    return before;
  }
  const view = waitView(wait, t);
  known.set(wait.wait, view);
  return view;
}

function waitView({ id, from, to, open, wait }: TimelineWait, t: Translate): WaitView {
  const timeout = wait.timeout !== null ? ` · ${t('timeout {0} s', wait.timeout)}` : '';
  const site = siteText(wait.site);
  const title = `${waitText(wait, t)}${timeout} · ${stretch(from, to)}${site ? `\n${site}` : ''}`;
  return { id, call: wait.call, from, to, open, title };
}

export function presentThread(thread: TimelineThread, laneKey: string, index: number, t: Translate): ThreadView {
  const nameText = thread.daemon ? `${thread.name} · ${t('daemon')}` : thread.name;
  const target = thread.target && [thread.target.name, siteText(thread.target)].filter(Boolean).join(' · ');
  const title = [
    nameText,
    target,
    t('started at {0}', at(thread.from)),
    thread.open ? undefined : t('ended at {0}', at(thread.to)),
  ]
    .filter(Boolean)
    .join('\n');
  return {
    id: `${laneKey}/thread/${index}`,
    tid: thread.tid,
    nameText,
    title,
    from: thread.from,
    to: thread.to,
    open: thread.open,
    waits: thread.waits.map((wait) => presentWait(wait, t)),
  };
}

export function presentProblem({ key, time, diagnosis }: TimelineProblem, nameOf: NameOf, t: Translate): ProblemView {
  const { problem, fix } = diagnosisText(diagnosis, nameOf, t);
  return { key, time, kind: diagnosis.kind, title: `${problem}\n${fix}` };
}
