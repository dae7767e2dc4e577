import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DIAGNOSIS_AFTER_MS, diagnoseRun } from '../../src/core/diagnosis/deadlocks';
import { ProcessRecord, WaitSpan } from '../../src/core/model/processRecord';
import { diagnosisText, waitText } from '../../src/core/present/waitText';
import { recordOf } from './modelFixtures';

const T = 1_000_000;
const LATER = T + DIAGNOSIS_AFTER_MS;

const wait = (kind: WaitSpan['kind'], call: string, extra: Partial<WaitSpan> = {}): WaitSpan => ({
  tid: 1,
  kind,
  call,
  on: null,
  timeout: null,
  site: { file: '/x/main.py', line: 9 },
  bytes: null,
  enteredAt: T,
  ...extra,
});

function record(pid: number, extra: Partial<ProcessRecord> & { waiting?: WaitSpan } = {}): ProcessRecord {
  const { waiting, ...rest } = extra;
  return recordOf(pid, {
    threads: [{ tid: 1, nativeId: pid, name: 'MainThread', daemon: false, main: true, waiting }],
    waits: waiting ? [waiting] : [],
    osThreadCount: 1,
    ...rest,
  });
}

const joining = (child: number, extra: Partial<ProcessRecord> = {}) =>
  record(100, { state: 'joining', joiningPid: child, joinTimeout: null, joins: [{ childPid: child, timeout: null, enteredAt: T }], ...extra });

test('a parent joining a child whose Queue feeder still writes: named once it has lasted', () => {
  const feeder = wait('queue-feeder', 'Queue._finalize_join', { bytes: 1048609, enteredAt: T - 5 });
  const records = [joining(101), record(101, { waiting: feeder, threads: [{ tid: 1, nativeId: 101, name: 'MainThread', daemon: false, main: true, waiting: feeder }, { tid: 2, nativeId: 102, name: 'QueueFeederThread', daemon: true, main: false }], osThreadCount: 2 })];
  assert.deepEqual(diagnoseRun(records, LATER - 1), [], 'not before DIAGNOSIS_AFTER_MS');
  const [found] = diagnoseRun(records, LATER);
  assert.deepEqual(found, { kind: 'join-unread-queue', pid: 100, childPid: 101, bytes: 1048609, since: T });
  const text = diagnosisText(found, (pid) => `P${pid}`);
  assert.equal(text.problem, 'Deadlock: P100 joins P101, which cannot exit until the 1.0 MB its Queue still holds are read.');
  assert.equal(text.fix, 'Read everything from the queue before join().');
});

test('every process blocked with no timeout: a cycle; one that may still go on: nothing', () => {
  const lock = wait('lock', 'Lock.acquire');
  const cycle = [joining(101), record(101, { waiting: lock })];
  assert.deepEqual(diagnoseRun(cycle, LATER), [{ kind: 'wait-cycle', pid: 100, pids: [100, 101], since: T }]);
  const doubts: Array<[string, ProcessRecord[]]> = [
    ['a timeout', [joining(101), record(101, { waiting: wait('lock', 'Lock.acquire', { timeout: 5 }) })]],
    ['a join with a timeout', [joining(101, { joinTimeout: 10 }), record(101, { waiting: lock })]],
    ['a thread Python does not know', [joining(101), record(101, { waiting: lock, osThreadCount: 3 })]],
    ['a process that reports nothing', [joining(101), record(101)]],
    ['a recv (a Listener may be fed from outside the run)', [joining(101), record(101, { waiting: wait('recv', 'Connection.recv') })]],
    ['a process not traced', [joining(101), record(101, { waiting: lock, traced: false, kind: 'native' })]],
  ];
  for (const [why, records] of doubts) {
    assert.deepEqual(diagnoseRun(records, LATER), [], why);
  }
  assert.deepEqual(diagnoseRun([record(100, { waiting: lock })], LATER), [], 'one process alone waits for something outside');
});

test('a Pool waiting while one of its workers died since: the worker is named with its exit code', () => {
  const map = wait('pool', 'Pool.map', { on: '2 results' });
  const records = [
    record(100, { waiting: map }),
    record(101, { name: 'ForkPoolWorker-1' }),
    record(102, { name: 'ForkPoolWorker-2', state: 'exited', exitCode: -9, signal: 'SIGKILL', endedAt: T + 10 }),
    record(103, { name: 'ForkPoolWorker-3', state: 'exited', exitCode: -9, endedAt: T - 10 }),
  ];
  assert.deepEqual(diagnoseRun(records, LATER), [{ kind: 'pool-lost-worker', pid: 100, workerPid: 102, exitCode: -9, since: T + 10, task: null }]);
  assert.equal(waitText(map), 'Pool.map() waiting for 2 results');
  records[2].exitCode = 0;
  assert.deepEqual(diagnoseRun(records, LATER), [], 'a worker retired by maxtasksperchild exits 0');
});

test("a worker that reported its tasks is blamed only if it died running one, which the warning names", () => {
  const map = wait('pool', 'Pool.map', { on: '2 results' });
  const span = { function: 'square', args: '2', items: 1, tasks: 1, startedAt: T + 5, endedAt: T + 10, failed: 0 };
  const dead = record(102, { name: 'ForkPoolWorker-2', poolId: '100-1', state: 'exited', exitCode: -9, signal: 'SIGKILL', endedAt: T + 10 });
  const records = [record(100, { waiting: map }), dead];
  dead.tasks = { done: 1, failed: 0, errors: {}, spans: [{ ...span, lost: true }] };
  const [found] = diagnoseRun(records, LATER);
  assert.deepEqual(found, { kind: 'pool-lost-worker', pid: 100, workerPid: 102, exitCode: -9, since: T + 10, task: { function: 'square', args: '2', items: 1 } });
  assert.equal(
    diagnosisText(found, (pid) => `P${pid}`).problem,
    'P100 waits for results that P102 will never send: it ended with exit code \u22129 while running square(2).',
  );
  dead.tasks = { done: 1, failed: 0, errors: {}, spans: [span] };
  assert.deepEqual(diagnoseRun(records, LATER), [], 'killed between tasks, it lost nothing: the pool goes on with a new worker');
});

test('each wait in the words of the row', () => {
  assert.equal(waitText(wait('queue-get', 'Queue.get')), 'waiting in Queue.get()');
  assert.equal(waitText(wait('queue-put', 'Queue.put')), 'Queue.put() on a full queue');
  assert.equal(waitText(wait('queue-feeder', 'Queue._finalize_join', { bytes: 1048576 })), 'exiting: Queue feeder still writing 1.0 MB');
  assert.equal(waitText(wait('lock', 'Lock.acquire')), 'waiting in Lock.acquire()');
  assert.equal(waitText(wait('thread-join', 'Thread.join', { on: 'Reader' })), 'Thread.join() on Reader');
  assert.equal(waitText(wait('queue-join', 'JoinableQueue.join')), 'JoinableQueue.join(): tasks not yet done');
});
