// The row of a process pool in the Processes view, and what a worker's hover says of its
// pool. No `vscode` here: the unit tests read it directly (poolItems.ts makes the tree item).
import { summarizePool } from '../../core/model/pools';
import { isAlive, PoolRecord, ProcessRecord } from '../../core/model/processRecord';
import { errorsText, poolDescription, poolDetails, taskCallText } from '../../core/present/poolText';
import { formatDuration, plainText, Translate } from '../../core/present/processText';

/**
 * A pool's workers, gathered on one row under the process they hang under
 * (the one that created the pool). The same object for as long as the pool
 * lives, so that its row alone can be redrawn.
 */
export interface PoolNode {
  readonly row: 'pool';
  readonly id: string;
  readonly pool: PoolRecord;
  /** The process it hangs under; undefined when its workers are at the top of their run. */
  readonly parent: ProcessRecord | undefined;
}

/** What a pool's row shows. */
export interface PoolRow {
  /** `Pool` or `ProcessPoolExecutor`: the class the program used. */
  readonly label: string;
  /** `3 workers · 12/20 done · 4 running, longest 1.2 s · 1 failed`. */
  readonly description: string;
  /** Some worker still runs; else the pool has been shut down (or its workers all died). */
  readonly alive: boolean;
  /** Calls whose worker died running them. */
  readonly lost: number;
  /** `pool.alive` or `pool.ended`: menus match it. */
  readonly contextValue: string;
  /** The hover, as label and value. */
  readonly details: ReadonlyArray<readonly [string, string]>;
}

/** A pool's row; `records` are its run's processes, `now` makes running tasks say how long they have run. */
export function poolRow(pool: PoolRecord, records: readonly ProcessRecord[], creator: ProcessRecord | undefined, now: number, t: Translate = plainText): PoolRow {
  const summary = summarizePool(pool, records);
  const alive = summary.alive > 0;
  return {
    label: pool.kind,
    description: poolDescription(summary, t, now),
    alive,
    lost: summary.lost,
    contextValue: alive ? 'pool.alive' : 'pool.ended',
    details: poolDetails(summary, creator, t).filter((row): row is [string, string] => row[1] !== undefined),
  };
}

/** A worker that runs a task now: its row, and its pool's, show a time that grows. */
export const runsTask = (record: ProcessRecord): boolean => isAlive(record) && record.tasks?.current !== undefined;

/**
 * What a worker's hover says of its work: its pool, its tasks done and
 * failed (with what they raised), the task it runs and since when, or the
 * one it died running. Rows without a value are left out by the caller.
 */
export function workerDetails(
  record: ProcessRecord,
  pool: PoolRecord | undefined,
  creator: ProcessRecord | undefined,
  now: number,
  t: Translate = plainText,
): Array<[string, string | undefined]> {
  const tasks = record.tasks;
  const current = tasks?.current;
  const last = tasks?.spans.at(-1);
  const lost = !current && last?.lost ? last : undefined;
  const failed = tasks?.failed ? `${t('{0} failed', tasks.failed)}${errorsText(tasks.errors) ? ` (${errorsText(tasks.errors)})` : ''}` : undefined;
  return [
    [t('Pool'), pool ? t('{0} of {1}', pool.kind, creator ? `${creator.name} (PID ${creator.pid})` : `PID ${pool.creatorPid}`) : undefined],
    [t('Tasks'), tasks ? [t('{0} done', tasks.done), failed].filter(Boolean).join(' · ') : undefined],
    [t('Current task'), current ? taskCallText(current, t) : undefined],
    [t('Current task since'), current ? since(current.startedAt, now) : undefined],
    [t('Lost task'), lost ? t('{0}: the worker died running it, its result never comes', taskCallText(lost, t)) : undefined],
  ];
}

/** `14:03:07 (1.2 s)`: a time of day, and how long ago it was. */
export const since = (time: number, now: number): string => `${new Date(time).toLocaleTimeString()} (${formatDuration(Math.max(0, now - time))})`;
