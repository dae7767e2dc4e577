// What the thread rows under a process say. No `vscode` here: the unit tests read it directly.
import * as path from 'node:path';
import { isAlive, ProcessRecord, ThreadRecord } from '../../core/model/processRecord';
import { liveThreads } from '../../core/model/threadsAndWaits';
import { formatDuration, plainText, stateText, Translate } from '../../core/present/processText';
import { siteText, waitText, waitWithDuration } from '../../core/present/waitText';
import { runsTask } from './poolRows';

/**
 * A server that starts a thread per request keeps every ended one in the
 * model; the tree shows only the latest few and counts the rest.
 */
export const ENDED_THREADS_SHOWN = 5;

/** One row under a process: a thread, the threads Python did not start, or the ended ones left out. */
export type ThreadRow =
  | { readonly row: 'thread'; readonly thread: ThreadRecord }
  | { readonly row: 'native-threads'; readonly count: number }
  | { readonly row: 'earlier-threads'; readonly count: number };

/**
 * The rows under a live traced process: its running threads (main first, as
 * started), the latest ended ones, then how many threads the OS counts that
 * Python did not name. A process whose tracer named no thread gets none: an
 * older tracer, or not Python, and `3 native threads` would only mislead.
 */
export function threadRows(record: ProcessRecord): ThreadRow[] {
  if (!isAlive(record) || record.threads.length === 0) {
    return [];
  }
  const running = liveThreads(record);
  const ended = record.threads.filter((t) => t.endedAt !== undefined);
  const shown = ended.slice(-ENDED_THREADS_SHOWN);
  const rows: ThreadRow[] = running.map((thread) => ({ row: 'thread', thread }));
  if (ended.length > shown.length) {
    rows.push({ row: 'earlier-threads', count: ended.length - shown.length });
  }
  rows.push(...shown.map((thread): ThreadRow => ({ row: 'thread', thread })));
  const native = (record.osThreadCount ?? 0) - running.length;
  if (native > 0) {
    rows.push({ row: 'native-threads', count: native });
  }
  return rows;
}

/** `ended`, `waiting` (a blocking call), `joining` (the main thread in join()), or `alive`. */
export type ThreadState = 'ended' | 'waiting' | 'joining' | 'alive';

export function threadState(record: ProcessRecord, thread: ThreadRecord): ThreadState {
  if (thread.endedAt !== undefined || !isAlive(record)) {
    return 'ended';
  }
  if (thread.waiting) {
    return 'waiting';
  }
  // join() is the process's state, not a wait the tracer reports: it is the main thread's call.
  return thread.main && record.state === 'joining' ? 'joining' : 'alive';
}

/** Since when the thread has been blocked, if it is. */
export function blockedSince(record: ProcessRecord, thread: ThreadRecord): number | undefined {
  switch (threadState(record, thread)) {
    case 'waiting':
      return thread.waiting!.enteredAt;
    case 'joining':
      return record.joins.at(-1)?.enteredAt;
    default:
      return undefined;
  }
}

/** `main thread · waiting in Event.wait() · 3.0 s`, `daemon thread · alive`, `main thread · joining Process-1 · 12.0 s`, `ended`. */
export function threadDescription(
  record: ProcessRecord,
  thread: ThreadRecord,
  joiningName: string | undefined,
  now: number,
  t: Translate = plainText,
): string {
  const state = threadState(record, thread);
  if (state === 'ended') {
    return t('ended');
  }
  const parts = [thread.main ? t('main thread') : undefined, thread.daemon ? t('daemon thread') : undefined];
  if (state === 'waiting') {
    parts.push(waitWithDuration(thread.waiting!, now, t));
  } else if (state === 'joining') {
    const since = blockedSince(record, thread);
    parts.push(stateText(record, joiningName, t), since !== undefined ? formatDuration(Math.max(0, now - since)) : undefined);
  } else {
    parts.push(t('alive'));
  }
  return parts.filter(Boolean).join(' · ');
}

/** The hover of a thread row: every field the tracer gave, as label and value. */
export function threadDetails(thread: ThreadRecord, t: Translate = plainText): Array<[string, string]> {
  const target = thread.target;
  const rows: Array<[string, string | undefined]> = [
    // faulthandler and Show Stacks print it this way: `Thread 0x00007f…`.
    [t('Thread id'), `0x${thread.tid.toString(16)}`],
    [t('Native id'), thread.nativeId !== null ? String(thread.nativeId) : undefined],
    [t('Daemon thread'), thread.daemon ? t('yes') : t('no')],
    [t('Target'), target ? (target.file ? `${target.name} (${shortSite(target)})` : target.name) : undefined],
    [t('Waiting'), thread.waiting ? waitText(thread.waiting, t) : undefined],
    [t('Called at'), thread.waiting ? shortSite(thread.waiting.site) : undefined],
    [t('Started'), thread.startedAt !== undefined ? new Date(thread.startedAt).toLocaleTimeString() : undefined],
    [t('Ended'), thread.endedAt !== undefined ? new Date(thread.endedAt).toLocaleTimeString() : undefined],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined);
}

/** `main.py:12`: the file's name and line, as the rows' hovers show a site. */
export function shortSite(site: { readonly file: string | null; readonly line: number | null } | null | undefined): string | undefined {
  return site?.file ? siteText({ file: path.basename(site.file), line: site.line }) : undefined;
}

/**
 * Whether a row of this process shows a time that grows (a wait, a join, a
 * pool task): only such rows are redrawn each second, so a quiet tree costs nothing.
 */
export function showsDuration(record: ProcessRecord): boolean {
  // Any thread's wait: its own row (when threads are shown) counts the time too.
  return (
    isAlive(record) && (record.state === 'joining' || runsTask(record) || record.threads.some((t) => t.waiting !== undefined && t.endedAt === undefined))
  );
}
