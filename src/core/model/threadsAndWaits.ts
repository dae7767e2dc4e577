import { HelloEvent, ThreadEndEvent, ThreadEvent, WaitEvent, WokeEvent } from '../protocol/tracerEvents';
import { isAlive, ProcessRecord, ThreadRecord, WaitSpan } from './processRecord';

/**
 * The timeline draws a process's blocked stretches; a worker that waits
 * thousands of times keeps only its latest ones (the open ones always stay).
 */
export const MAX_WAITS_KEPT = 200;

function threadOf(record: ProcessRecord, tid: number): ThreadRecord | undefined {
  // Newest first: a thread id is reused once its thread has ended.
  for (let i = record.threads.length - 1; i >= 0; i--) {
    if (record.threads[i].tid === tid) {
      return record.threads[i];
    }
  }
  return undefined;
}

/** The thread that said hello is the process's main thread (in a forked child, the one that forked). */
export function mainThreadSaidHello(record: ProcessRecord, event: HelloEvent): void {
  const thread = event.thread;
  if (!thread || record.threads.some((t) => t.main)) {
    return;
  }
  record.threads.unshift({ tid: thread.tid, nativeId: thread.nativeId, name: thread.name, daemon: false, main: true, startedAt: record.startedAt });
}

export function threadStarted(record: ProcessRecord, event: ThreadEvent): void {
  const known = threadOf(record, event.tid);
  if (known && known.endedAt === undefined && !known.main) {
    // A reconnect repeats nothing, but a message may be sent twice by a retried write: keep one.
    return;
  }
  record.threads.push({
    tid: event.tid,
    nativeId: event.nativeId,
    name: event.name,
    daemon: event.daemon,
    main: false,
    target: event.target ?? undefined,
    startedAt: event.time,
  });
}

export function threadEnded(record: ProcessRecord, event: ThreadEndEvent): void {
  const thread = threadOf(record, event.tid);
  if (!thread || thread.main || thread.endedAt !== undefined) {
    return;
  }
  thread.name = event.name ?? thread.name;
  thread.endedAt = event.time;
  if (thread.waiting) {
    endWait(record, thread.waiting, event.time);
  }
}

export function waitBegan(record: ProcessRecord, event: WaitEvent): void {
  const span: WaitSpan = {
    tid: event.tid,
    kind: event.wait,
    call: event.call,
    on: event.on,
    timeout: event.timeout,
    site: event.site,
    bytes: event.bytes,
    enteredAt: event.time,
  };
  const thread = threadOf(record, event.tid);
  if (thread?.waiting) {
    // Its woke was lost (a full buffer drops messages): the older wait is over.
    endWait(record, thread.waiting, event.time);
  }
  if (thread) {
    thread.waiting = span;
  }
  record.waits.push(span);
  forgetOldWaits(record);
}

export function waitEnded(record: ProcessRecord, event: WokeEvent): void {
  const span = openWaitOf(record, event.tid);
  if (span) {
    endWait(record, span, event.time);
  }
}

/** The process has ended: so have its threads and their waits. */
export function threadsEnded(record: ProcessRecord, time: number): void {
  for (const thread of record.threads) {
    thread.endedAt ??= time;
    thread.waiting = undefined;
  }
  for (const span of record.waits) {
    span.leftAt ??= time;
  }
}

function openWaitOf(record: ProcessRecord, tid: number): WaitSpan | undefined {
  for (let i = record.waits.length - 1; i >= 0; i--) {
    const span = record.waits[i];
    if (span.tid === tid && span.leftAt === undefined) {
      return span;
    }
  }
  return undefined;
}

function endWait(record: ProcessRecord, span: WaitSpan, time: number): void {
  span.leftAt = time;
  const thread = threadOf(record, span.tid);
  if (thread?.waiting === span) {
    thread.waiting = undefined;
  }
}

function forgetOldWaits(record: ProcessRecord): void {
  let excess = record.waits.length - MAX_WAITS_KEPT;
  if (excess <= 0) {
    return;
  }
  record.waits = record.waits.filter((span) => span.leftAt === undefined || excess-- <= 0);
}

/**
 * What the process is blocked in now, if the tracer said: its main thread's
 * wait, else the longest-standing wait of another thread. `joining` (the
 * process's join() of a child) is its state, not a wait.
 */
export function currentWait(record: ProcessRecord): WaitSpan | undefined {
  if (!isAlive(record)) {
    return undefined;
  }
  const main = record.threads.find((t) => t.main);
  if (main?.waiting) {
    return main.waiting;
  }
  let oldest: WaitSpan | undefined;
  for (const thread of record.threads) {
    if (thread.waiting && thread.endedAt === undefined && (!oldest || thread.waiting.enteredAt < oldest.enteredAt)) {
      oldest = thread.waiting;
    }
  }
  return oldest;
}

/** Its threads that are still running, main thread included. */
export const liveThreads = (record: ProcessRecord): ThreadRecord[] =>
  isAlive(record) ? record.threads.filter((t) => t.endedAt === undefined) : [];
