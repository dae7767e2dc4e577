import { IdleEvent, PoolEvent, SubmitEvent, TaskEvent } from '../protocol/tracerEvents';
import { ModelStore } from './modelStore';
import { isAlive, PoolRecord, ProcessRecord, RunRecord, TaskSpan, WorkerTasks } from './processRecord';

/**
 * A worker that runs thousands of tasks keeps its latest segments only (the
 * counts stay exact: they come from the worker's own tally).
 */
export const MAX_TASK_SPANS = 200;

/**
 * Tasks of one function that follow each other closer than this are one
 * segment: a worker mapping tiny items is simply busy, and the timeline can
 * only draw so many segments.
 */
export const MERGE_GAP_MS = 2;

export function poolCreated(store: ModelStore, run: RunRecord, event: PoolEvent): void {
  if (store.pool(run.id, event.pool)) {
    return;
  }
  const creator = store.findAt(run.id, event.pid, event.time);
  store.addPool({
    id: event.pool,
    runId: run.id,
    kind: event.poolKind,
    creatorPid: event.pid,
    creatorKey: creator?.key,
    size: event.size,
    maxTasksPerChild: event.maxTasks,
    createdAt: event.time,
    submitted: 0,
  });
  touchCreator(store, run.id, event.pool);
}

export function poolSubmitted(store: ModelStore, run: RunRecord, event: SubmitEvent): void {
  const pool = store.pool(run.id, event.pool);
  if (pool) {
    pool.submitted += event.items;
    touchCreator(store, run.id, event.pool);
  }
}

/** The tree draws a pool under its creator: a change to the pool is a change to that row. */
export function touchCreator(store: ModelStore, runId: string, poolId: string | undefined): void {
  const pool = poolId === undefined ? undefined : store.pool(runId, poolId);
  const creator = store.get(pool?.creatorKey);
  if (creator) {
    store.touch(creator);
  }
}

function tasksOf(record: ProcessRecord): WorkerTasks {
  return (record.tasks ??= { done: 0, failed: 0, errors: {}, spans: [] });
}

/** Ends the running task at `at`; `failed` of its calls raised, the last one `error`. */
function closeCurrent(tasks: WorkerTasks, at: number, failed: number, error: string | null): void {
  const span = tasks.current;
  if (!span) {
    return;
  }
  tasks.current = undefined;
  span.endedAt = Math.max(span.startedAt, at);
  span.failed = failed;
  if (failed > 0 && error) {
    span.error = error;
    tasks.errors[error] = (tasks.errors[error] ?? 0) + failed;
  }
  const previous = tasks.spans.at(-1);
  const mergeable =
    previous?.endedAt !== undefined &&
    !previous.lost &&
    previous.function === span.function &&
    span.startedAt - previous.endedAt <= MERGE_GAP_MS &&
    span.endedAt - span.startedAt <= MERGE_GAP_MS;
  if (previous && mergeable) {
    previous.endedAt = span.endedAt;
    previous.items += span.items;
    previous.tasks += 1;
    previous.failed += span.failed;
    previous.error = span.error ?? previous.error;
    return;
  }
  tasks.spans.push(span);
  if (tasks.spans.length > MAX_TASK_SPANS) {
    tasks.spans.splice(0, tasks.spans.length - MAX_TASK_SPANS);
  }
}

/** Counts as the worker reported them; what they add to the previous tally is what the closed task did. */
function counted(tasks: WorkerTasks, event: TaskEvent | IdleEvent): number {
  const failedNow = Math.max(0, event.failed - tasks.failed);
  tasks.done = Math.max(tasks.done, event.done);
  tasks.failed = Math.max(tasks.failed, event.failed);
  return failedNow;
}

/**
 * A worker began a task; its previous one ended at `event.ended` unless an
 * idle report closed it. Processes report on different connections: the report can
 * come after the OS showed the worker gone (a SIGKILL right after it began),
 * and then the task is one it died running.
 */
export function taskBegan(record: ProcessRecord, event: TaskEvent): void {
  const late = !isAlive(record);
  if (late && (record.endedAt === undefined || event.time > record.endedAt)) {
    return;
  }
  const tasks = tasksOf(record);
  reopenLost(tasks, event.ended ?? event.time);
  const failed = counted(tasks, event);
  closeCurrent(tasks, event.ended ?? event.time, failed, event.error);
  tasks.current = { function: event.function, args: event.args, items: event.items, tasks: 1, startedAt: event.time, failed: 0 };
  if (late) {
    tasksEnded(record, record.endedAt!);
  }
}

/** A worker's task ended and it waits for the next one (or exits). */
export function taskEnded(record: ProcessRecord, event: IdleEvent): void {
  const tasks = record.tasks;
  if (!tasks) {
    return;
  }
  reopenLost(tasks, event.time);
  const failed = counted(tasks, event);
  closeCurrent(tasks, event.time, failed, event.error);
}

/**
 * The worker's last task was called lost because the OS showed its end before
 * its reports came; a report that the task ended (at `endedAt`) says it was
 * not: it is its running task again, for the report to close.
 */
function reopenLost(tasks: WorkerTasks, endedAt: number): void {
  const last = tasks.spans.at(-1);
  if (!tasks.current && last?.lost && last.startedAt <= endedAt) {
    last.lost = undefined;
    tasks.current = last;
    tasks.spans.pop();
  }
}

/** The worker ended with a task still running: that task's result will never come. */
export function tasksEnded(record: ProcessRecord, at: number): void {
  const span = record.tasks?.current;
  if (!span) {
    return;
  }
  span.lost = true;
  span.endedAt = Math.max(span.startedAt, at);
  record.tasks!.current = undefined;
  record.tasks!.spans.push(span);
}

/** What a pool has done, from its workers' own tallies. */
export interface PoolSummary {
  readonly pool: PoolRecord;
  /** Every worker it started, replacements included, oldest first. */
  readonly workers: readonly ProcessRecord[];
  readonly alive: number;
  /** Calls handed to the pool; never fewer than those that ran or run. */
  readonly submitted: number;
  /** Calls in tasks running now (a chunk counts all its calls). */
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  /** Calls in tasks whose worker died running them. */
  readonly lost: number;
  /** Exception types of the failed calls, with how many of each. */
  readonly errors: Readonly<Record<string, number>>;
}

export function workersOf(pool: PoolRecord, records: readonly ProcessRecord[]): ProcessRecord[] {
  return records
    .filter((record) => record.runId === pool.runId && record.poolId === pool.id)
    .sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity) || a.pid - b.pid);
}

export function summarizePool(pool: PoolRecord, records: readonly ProcessRecord[]): PoolSummary {
  const workers = workersOf(pool, records);
  let running = 0;
  let done = 0;
  let failed = 0;
  let lost = 0;
  const errors: Record<string, number> = {};
  for (const worker of workers) {
    const tasks = worker.tasks;
    if (!tasks) {
      continue;
    }
    done += tasks.done;
    failed += tasks.failed;
    running += tasks.current?.items ?? 0;
    lost += tasks.spans.reduce((sum, span: TaskSpan) => sum + (span.lost ? span.items : 0), 0);
    for (const [type, count] of Object.entries(tasks.errors)) {
      errors[type] = (errors[type] ?? 0) + count;
    }
  }
  return {
    pool,
    workers,
    alive: workers.filter(isAlive).length,
    // The creator batches its reports of submissions: its latest may not have come yet.
    submitted: Math.max(pool.submitted, done + running + lost),
    running,
    done,
    failed,
    lost,
    errors,
  };
}

/**
 * A parent's rows: its children in start order, except that a pool's workers
 * are gathered on one row for their pool (`poolOf` gives it, the same for
 * each of its workers), where its first worker would be.
 */
export function gatherPools<P>(children: readonly ProcessRecord[], poolOf: (record: ProcessRecord) => P | undefined): Array<ProcessRecord | P> {
  const rows: Array<ProcessRecord | P> = [];
  const placed = new Set<P>();
  for (const child of children) {
    const pool = poolOf(child);
    if (pool === undefined) {
      rows.push(child);
    } else if (!placed.has(pool)) {
      placed.add(pool);
      rows.push(pool);
    }
  }
  return rows;
}
