import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EXAMPLES, FIXTURES, runTraced, skipUnless, START_METHODS, testInterpreters, TracedOutcome } from './engineHelpers';

// Pools through the whole product: the real tracer's lines, the core's model, the CLI's JSON
// summary. Per pool: its creator, its workers under it, the counts adding up from the
// workers' own tallies (sum of tasksDone = the calls run), failures with their types, a
// task lost with its worker; and multiprocessing's helpers explained, never orphans.

type Process = Record<string, any>;
type Pool = Record<string, any>;

const POOL_TASKS = path.join(FIXTURES, 'pool_tasks.py');

interface Expected {
  readonly kind: 'Pool' | 'ProcessPoolExecutor';
  readonly size: number;
  /** Calls run (= done), failed among them, lost with their worker. */
  readonly done: number;
  readonly failed?: number;
  readonly errors?: Record<string, number>;
  readonly lost?: number;
  readonly maxTasksPerChild?: number;
  /** Workers started, when the program fixes it (replacements make it more than size). */
  readonly workers?: number;
  /** Calls handed to the pool, when not every one ran (a chunk stops at the call that raised). */
  readonly submitted?: number;
}

const SCENARIOS: Record<string, Expected> = {
  map: { kind: 'Pool', size: 3, done: 6, workers: 3 },
  'map-with': { kind: 'Pool', size: 3, done: 6, workers: 3 },
  imap: { kind: 'Pool', size: 2, done: 23, workers: 2 },
  executor: { kind: 'ProcessPoolExecutor', size: 2, done: 12 },
  // apply_async of a raising call; map over 10 in chunks of 5 where item 7 raises (items 5..7
  // of its chunk ran: 3 done, 1 failed; 8 and 9 never ran); a result that cannot be pickled.
  raise: { kind: 'Pool', size: 2, submitted: 12, done: 1 + 8 + 1, failed: 3, errors: { ValueError: 2, MaybeEncodingError: 1 }, workers: 2 },
  // map over 4, then a call whose worker kills itself: lost, and the pool is terminated.
  kill: { kind: 'Pool', size: 2, done: 4, lost: 1 },
  // Each worker is replaced after 2 tasks: at least 4 start (the pool may replace the last
  // ones again before close(), so the number of workers is not fixed).
  maxtasks: { kind: 'Pool', size: 2, done: 8, maxTasksPerChild: 2 },
};

function checkPool(summary: TracedOutcome['summary'], expected: Expected): { pool: Pool; workers: Process[] } {
  const pools = (summary as Record<string, any>).pools as Pool[];
  assert.equal(pools.length, 1, JSON.stringify(pools));
  const [pool] = pools;
  const main = summary.processes.find((p) => p.kind === 'program')!;
  assert.equal(pool.creator, main.pid, 'created by MainProcess');
  assert.deepEqual([pool.kind, pool.size, pool.maxTasksPerChild], [expected.kind, expected.size, expected.maxTasksPerChild ?? null]);
  const workers = summary.processes.filter((p) => p.pool === pool.id);
  assert.deepEqual(
    workers.map((w) => w.pid).sort(),
    [...pool.workers].sort(),
    'the pool lists exactly the processes that say they are its workers',
  );
  if (expected.workers !== undefined) {
    assert.equal(workers.length, expected.workers, workers.map((w) => `${w.name} ${w.tasksDone}`).join(', '));
  }
  for (const worker of workers) {
    assert.equal(worker.parentPid, main.pid, `${worker.name} is drawn under its pool's creator`);
    assert.equal(worker.currentTask, null, `${worker.name} runs nothing once the run is over`);
  }
  const done = workers.reduce((sum, w) => sum + (w.tasksDone ?? 0), 0);
  const failed = workers.reduce((sum, w) => sum + (w.tasksFailed ?? 0), 0);
  assert.deepEqual(
    { done, failed, poolDone: pool.done, poolFailed: pool.failed, lost: pool.lost, running: pool.running },
    { done: expected.done, failed: expected.failed ?? 0, poolDone: expected.done, poolFailed: expected.failed ?? 0, lost: expected.lost ?? 0, running: 0 },
  );
  assert.deepEqual(pool.errors, expected.errors ?? {});
  assert.equal(pool.submitted, expected.submitted ?? expected.done + (expected.lost ?? 0), 'the calls handed to the pool');
  if (expected.maxTasksPerChild !== undefined) {
    assert.ok(workers.length >= Math.ceil(expected.done / expected.maxTasksPerChild), 'replacements were started');
    assert.ok(
      workers.every((w) => (w.tasksDone ?? 0) <= expected.maxTasksPerChild!),
      'no worker ran more than maxtasksperchild',
    );
  }
  return { pool, workers };
}

for (const python of testInterpreters()) {
  const posixOnly = process.platform === 'win32' && 'needs POSIX: the fork and forkserver start methods, SIGKILL';
  describe(`pools under Python ${python.label}, through the CLI's summary`, { concurrency: 4, skip: posixOnly || skipUnless(python) }, () => {
    for (const method of START_METHODS) {
      for (const [scenario, expected] of Object.entries(SCENARIOS)) {
        test(`${scenario} (${method}): one ${expected.kind} under MainProcess, its counts adding up`, async () => {
          const traced = await runTraced([python.path!, POOL_TASKS, method, scenario]);
          assert.equal(traced.code, 0, traced.stderr);
          const { workers } = checkPool(traced.summary, expected);
          if (scenario === 'kill') {
            const dead = workers.filter((w) => w.exitCode === -9);
            assert.equal(dead.length, 1, 'one worker killed itself');
            assert.deepEqual([dead[0].signal, dead[0].currentTask], ['SIGKILL', null]);
          }
        });
      }
    }

    test('pool_helpers example (forkserver): the fork server, resource tracker and Manager under MainProcess, with their roles, no orphans', async () => {
      const traced = await runTraced([python.path!, path.join(EXAMPLES, 'pool_helpers.py')]);
      assert.equal(traced.code, 0, traced.stderr);
      const main = traced.summary.processes.find((p) => p.kind === 'program')!;
      const byRole = new Map(traced.summary.processes.filter((p) => p.role).map((p) => [p.role, p]));
      assert.deepEqual([...byRole.keys()].sort(), ['forkserver', 'manager', 'resource_tracker']);
      for (const [role, helper] of byRole) {
        assert.equal(helper.parentPid, main.pid, `${role} is under MainProcess`);
        assert.equal(helper.orphan, false, `${role} outlives MainProcess by design: no orphan`);
      }
      assert.equal(byRole.get('manager')!.name, 'SyncManager-1');
      checkPool(traced.summary, { kind: 'Pool', size: 2, done: 6, maxTasksPerChild: 2 });
    });
  });
}
