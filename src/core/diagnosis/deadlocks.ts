import { isAlive, ProcessRecord, TaskSpan } from '../model/processRecord';
import { currentWait, liveThreads } from '../model/threadsAndWaits';
import { WAIT_KINDS, WaitKind } from '../protocol/tracerEvents';

/**
 * A wait is taken as a hang only once it has lasted this long: a queue that
 * is full for a millisecond is how queues work.
 */
export const DIAGNOSIS_AFTER_MS = 1000;

/** The classic multiprocessing deadlocks, each shown on the row of `pid` (the process whose wait never ends). */
export type Diagnosis =
  /** `pid` joins `childPid`, whose exit waits for its Queue feeder to write data nobody reads. */
  | { readonly kind: 'join-unread-queue'; readonly pid: number; readonly childPid: number; readonly bytes: number | null; readonly since: number }
  /** Every live process of the run is blocked in a call only another of them could end. */
  | { readonly kind: 'wait-cycle'; readonly pid: number; readonly pids: readonly number[]; readonly since: number }
  /** `pid` waits for a Pool's results, and `workerPid`, a worker of that pool, died meanwhile. */
  | {
      readonly kind: 'pool-lost-worker';
      readonly pid: number;
      readonly workerPid: number;
      readonly exitCode: number | null;
      readonly since: number;
      /** The task it died running, as its tracer reported it; null when it did not say. */
      readonly task: Pick<TaskSpan, 'function' | 'args' | 'items'> | null;
    };

/**
 * Waits that only a process of the run can end. `recv` is left out: a
 * Connection may come from a Listener that a program outside the run talks to.
 */
const CLOSED_WAITS = new Set<WaitKind>(WAIT_KINDS.filter((kind) => kind !== 'recv'));

/** Since when `record` has been blocked for good (no timeout), or undefined if it may still go on by itself. */
function blockedSince(record: ProcessRecord, byPid: Map<number, ProcessRecord>): number | undefined {
  if (!isAlive(record) || record.kind === 'helper' || record.kind === 'native' || !record.traced) {
    return undefined;
  }
  const threads = liveThreads(record);
  if (threads.length === 0 || (record.osThreadCount !== undefined && record.osThreadCount > threads.length)) {
    // A thread Python did not start (a C library's) could be working: nothing can be said.
    return undefined;
  }
  let since = -Infinity;
  for (const thread of threads) {
    const joinsChild = thread.main && record.state === 'joining' && record.joinTimeout === null;
    if (joinsChild) {
      const child = record.joiningPid !== undefined ? byPid.get(record.joiningPid) : undefined;
      const span = record.joins.at(-1);
      if (!child || !span || span.leftAt !== undefined) {
        return undefined;
      }
      since = Math.max(since, span.enteredAt);
      continue;
    }
    const wait = thread.waiting;
    if (!wait || wait.timeout !== null || !CLOSED_WAITS.has(wait.kind)) {
      return undefined;
    }
    since = Math.max(since, wait.enteredAt);
  }
  return since;
}

function joinUnreadQueue(records: readonly ProcessRecord[], byPid: Map<number, ProcessRecord>, now: number): Diagnosis[] {
  const found: Diagnosis[] = [];
  for (const joiner of records) {
    if (joiner.state !== 'joining' || joiner.joiningPid === undefined) {
      continue;
    }
    const child = byPid.get(joiner.joiningPid);
    const feeder = child && liveThreads(child).find((t) => t.waiting?.kind === 'queue-feeder')?.waiting;
    const joined = joiner.joins.at(-1);
    if (!child || !feeder || !joined) {
      continue;
    }
    const since = Math.max(feeder.enteredAt, joined.enteredAt);
    if (now - since >= DIAGNOSIS_AFTER_MS) {
      found.push({ kind: 'join-unread-queue', pid: joiner.pid, childPid: child.pid, bytes: feeder.bytes, since });
    }
  }
  return found;
}

/** multiprocessing.Pool names its workers ForkPoolWorker-N, SpawnPoolWorker-N, ForkServerPoolWorker-N. */
const POOL_WORKER = /PoolWorker-\d+$/;

function poolLostWorker(records: readonly ProcessRecord[], now: number): Diagnosis[] {
  const found: Diagnosis[] = [];
  for (const waiter of records) {
    const wait = currentWait(waiter);
    if (!wait || wait.kind !== 'pool' || now - wait.enteredAt < DIAGNOSIS_AFTER_MS) {
      continue;
    }
    const dead = records.find(
      (r) =>
        r.parentKey === waiter.key &&
        (r.poolId !== undefined || POOL_WORKER.test(r.name)) &&
        !isAlive(r) &&
        r.exitCode !== 0 &&
        r.endedAt !== undefined &&
        r.endedAt >= wait.enteredAt &&
        // A worker that reported its tasks lost one only if it died running it; one that died idle lost nothing.
        (r.tasks === undefined || r.tasks.spans.at(-1)?.lost === true),
    );
    if (dead) {
      const lost = dead.tasks?.spans.at(-1);
      const task = lost ? { function: lost.function, args: lost.args, items: lost.items } : null;
      found.push({ kind: 'pool-lost-worker', pid: waiter.pid, workerPid: dead.pid, exitCode: dead.exitCode ?? null, since: dead.endedAt!, task });
    }
  }
  return found;
}

function waitCycle(records: readonly ProcessRecord[], byPid: Map<number, ProcessRecord>, now: number): Diagnosis[] {
  const alive = records.filter((r) => isAlive(r) && r.kind !== 'helper');
  if (alive.length < 2) {
    return [];
  }
  let since = -Infinity;
  for (const record of alive) {
    const blocked = blockedSince(record, byPid);
    if (blocked === undefined) {
      return [];
    }
    since = Math.max(since, blocked);
  }
  if (now - since < DIAGNOSIS_AFTER_MS) {
    return [];
  }
  const top = alive.find((r) => r.kind === 'program') ?? alive[0];
  return [{ kind: 'wait-cycle', pid: top.pid, pids: alive.map((r) => r.pid), since }];
}

/**
 * The deadlocks the tracer's reports prove, for the processes of one run at
 * `now`. A diagnosis is made only from what every process said it waits for;
 * when one might still be working (no report, a timeout, a thread Python
 * does not know), nothing is said.
 */
export function diagnoseRun(records: readonly ProcessRecord[], now: number): Diagnosis[] {
  const byPid = new Map<number, ProcessRecord>();
  for (const record of records) {
    if (isAlive(record) || !byPid.has(record.pid)) {
      byPid.set(record.pid, record);
    }
  }
  const specific = [...joinUnreadQueue(records, byPid, now), ...poolLostWorker(records, now)];
  // A cycle is named only when no more precise diagnosis explains the hang.
  return specific.length ? specific : waitCycle(records, byPid, now);
}
