import { PoolSummary } from '../model/pools';
import { isAlive, ProcessRecord, TaskSpan } from '../model/processRecord';
import { formatDuration, plainText, Translate } from './processText';

/** `sq(5)`, `sq(0) … 63 calls` for a chunk, `sq(…)` when arguments are off. */
export function taskCallText(span: Pick<TaskSpan, 'function' | 'args' | 'items'>, t: Translate = plainText): string {
  const call = `${span.function}(${span.args ?? '…'})`;
  return span.items > 1 ? t('{0} … {1} calls', call, span.items) : call;
}

/**
 * What a pool worker is doing, for its row: `running sq(5) · 1.2 s · 4 done`,
 * `idle · 4 done`, `died running sq(3)`. Undefined for a process that is not
 * a worker or has not reported a task.
 */
export function workerTaskText(record: ProcessRecord, now: number | undefined, t: Translate = plainText): string | undefined {
  const tasks = record.tasks;
  if (!tasks) {
    return undefined;
  }
  const parts: string[] = [];
  const lost = tasks.spans.at(-1)?.lost ? tasks.spans.at(-1) : undefined;
  if (tasks.current) {
    const running = t('running {0}', taskCallText(tasks.current, t));
    parts.push(now === undefined ? running : `${running} · ${formatDuration(Math.max(0, now - tasks.current.startedAt))}`);
  } else if (lost) {
    parts.push(t('died running {0}', taskCallText(lost, t)));
  } else if (isAlive(record) && record.state !== 'exiting') {
    parts.push(t('idle'));
  }
  parts.push(t('{0} done', tasks.done));
  if (tasks.failed) {
    parts.push(t('{0} failed', tasks.failed));
  }
  return parts.join(' · ');
}

/**
 * `3 workers · 12/20 done · 4 running · 1 failed`: a pool's row. With `now`,
 * how long its longest running task has run (`4 running, longest 12.0 s`):
 * a task that never ends shows on the pool even when its workers are folded away.
 */
export function poolDescription(summary: PoolSummary, t: Translate = plainText, now?: number): string {
  const total = summary.workers.length;
  const exited = total - summary.alive;
  const parts = [summary.alive === 1 ? t('1 worker') : t('{0} workers', summary.alive)];
  if (summary.alive === 0 && total > 0) {
    // A finished pool: how many it had says more than "0 workers".
    parts[0] = total === 1 ? t('1 worker, exited') : t('{0} workers, all exited', total);
  } else if (exited > 0) {
    parts[0] += ` (${t('{0} exited', exited)})`;
  }
  parts.push(t('{0}/{1} done', summary.done, summary.submitted));
  const since = now === undefined ? undefined : firstRunningSince(summary.workers);
  if (summary.running && since !== undefined) {
    parts.push(t('{0} running, longest {1}', summary.running, formatDuration(Math.max(0, now! - since))));
  } else if (summary.running) {
    parts.push(t('{0} running', summary.running));
  }
  if (summary.failed) {
    parts.push(t('{0} failed', summary.failed));
  }
  if (summary.lost) {
    parts.push(t('{0} lost', summary.lost));
  }
  return parts.join(' · ');
}

/** When the longest running task of these workers began. */
function firstRunningSince(workers: readonly ProcessRecord[]): number | undefined {
  const starts = workers.flatMap((worker) => (isAlive(worker) && worker.tasks?.current ? [worker.tasks.current.startedAt] : []));
  return starts.length ? Math.min(...starts) : undefined;
}

/** `ValueError ×2, KeyError ×1`: what the failed calls raised. */
export function errorsText(errors: Readonly<Record<string, number>>): string | undefined {
  const entries = Object.entries(errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([type, count]) => `${type} ×${count}`).join(', ') : undefined;
}

/** The pool's hover, as label/value pairs (unset values are left out by the caller). */
export function poolDetails(summary: PoolSummary, creator: ProcessRecord | undefined, t: Translate = plainText): Array<[string, string | undefined]> {
  const { pool } = summary;
  return [
    [t('Created by'), creator ? `${creator.name} (PID ${creator.pid})` : `PID ${pool.creatorPid}`],
    [t('Size'), pool.size !== null ? t('{0} worker processes', pool.size) : undefined],
    [t('Replaced after'), pool.maxTasksPerChild !== null ? t('{0} tasks per worker (maxtasksperchild)', pool.maxTasksPerChild) : undefined],
    [t('Workers started'), String(summary.workers.length)],
    [t('Submitted'), String(summary.submitted)],
    [t('Running'), String(summary.running)],
    [t('Done'), String(summary.done)],
    [t('Failed'), summary.failed ? `${summary.failed} (${errorsText(summary.errors) ?? '?'})` : '0'],
    [t('Lost'), summary.lost === 1 ? t('1 call whose worker died running it: its result never comes') : summary.lost ? t('{0} calls whose worker died running them: their results never come', summary.lost) : undefined],
  ];
}

/**
 * A process multiprocessing starts for itself, and what it is for; undefined
 * for any other process.
 */
export function helperPurpose(record: ProcessRecord, t: Translate = plainText): string | undefined {
  if (record.kind === 'helper' && record.name === 'forkserver') {
    return t('The fork server: started once, it forks every new process of the forkserver start method, so none inherits the threads and state of its parent. It ends when the program ends.');
  }
  if (record.kind === 'helper' && record.name === 'resource_tracker') {
    return t('The resource tracker: it removes the named semaphores and shared memory the program leaves behind. It ends by itself once every process that uses it has ended, so it outlives its starter by design.');
  }
  if (isManagerServer(record)) {
    return t("A Manager's server process: it holds the shared objects (dict, list, Queue…); the proxies in other processes send it every operation. It ends at shutdown() or when its manager is collected.");
  }
  return undefined;
}

/** A `multiprocessing.Manager()`'s server process, told by the function it runs. */
export function isManagerServer(record: ProcessRecord): boolean {
  const target = record.target;
  return target !== undefined && target.name.endsWith('._run_server') && (target.file ?? '').replace(/\\/g, '/').includes('multiprocessing/managers');
}
