import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessRecord } from '../../src/core/model/processRecord';
import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';
import { helperPurpose } from '../../src/core/present/poolText';
import { processDescription } from '../../src/core/present/processText';
import { poolRow, workerDetails } from '../../src/vscode/views/poolRows';
import { isPool, ProcessesNode, ProcessRows } from '../../src/vscode/views/processRows';
import { RunDiagnoses } from '../../src/vscode/views/runDiagnoses';
import { showsDuration } from '../../src/vscode/views/threadRows';
import { recordOf } from './modelFixtures';
import { poolRun } from './poolEvents';

// The Processes view's pool rows, from a model fed the tracer's lines of a Pool's run (poolEvents.ts).

const NOW = 2_000;

function view(keepExited = true) {
  const fixture = poolRun();
  const rows = new ProcessRows(fixture.model, new RunDiagnoses(fixture.model), () => keepExited, false);
  const run = fixture.model.run('r')!;
  const main = fixture.find(100);
  const [pool] = fixture.model.poolsOf('r');
  const label = (node: ProcessesNode) => (isPool(node) ? node.pool.kind : 'name' in node ? node.name : '?');
  const labels = (node?: ProcessesNode) => rows.childrenOf(node).map(label);
  const row = () => poolRow(pool, fixture.model.processesOf('r'), main, NOW);
  const describe = (pid: number) => processDescription(fixture.find(pid), undefined, undefined, NOW);
  return { ...fixture, rows, run, main, pool, labels, row, describe };
}

test("a pool's workers are gathered on one row under their creator, where its first worker started", () => {
  const { rows, run, main, labels } = view();
  assert.deepEqual(labels(run), ['MainProcess']);
  assert.deepEqual(labels(main), ['Process-1', 'Pool', 'Process-2'], 'Process-1 started before the pool, Process-2 after');
  const poolNode = rows.childrenOf(main)[1];
  assert.ok(isPool(poolNode));
  assert.deepEqual(labels(poolNode), ['ForkPoolWorker-1', 'ForkPoolWorker-2', 'ForkPoolWorker-3', 'ForkPoolWorker-4', 'ForkPoolWorker-5']);
  assert.equal(rows.childrenOf(main)[1], poolNode, 'the same object at each refresh: the tree knows a row by it');
  rows.clear();
  assert.equal(rows.childrenOf(main)[1], poolNode);
  assert.equal(poolNode.id, `${main.key}/pool/100-1`);
});

test("the pool's row counts its workers and calls; its hover has every number", () => {
  const { row } = view();
  const { label, description, contextValue, details } = row();
  assert.equal(label, 'Pool');
  assert.equal(description, '3 workers (2 exited) · 4/6 done · 1 running, longest 1.1 s · 1 failed · 1 lost');
  assert.equal(contextValue, 'pool.alive');
  assert.deepEqual(details, [
    ['Created by', 'MainProcess (PID 100)'],
    ['Size', '3 worker processes'],
    ['Replaced after', '2 tasks per worker (maxtasksperchild)'],
    ['Workers started', '5'],
    ['Submitted', '6'],
    ['Running', '1'],
    ['Done', '4'],
    ['Failed', '1 (ValueError ×1)'],
    ['Lost', '1 call whose worker died running it: its result never comes'],
  ]);
});

test('each worker says what it does: a running task and for how long, idle, died running one, replaced', () => {
  const { describe } = view();
  assert.equal(describe(102), 'PID 102 · exited 0 · 2 done · 750 ms · daemon', 'replaced after its 2 tasks (maxtasksperchild)');
  assert.equal(describe(103), 'PID 103 · idle · 2 done · 1 failed · daemon');
  assert.equal(describe(104), 'PID 104 · exited −9 (SIGKILL) · died running sq(2) · 0 done · daemon');
  assert.equal(describe(106), 'PID 106 · running sq(5) · 1.1 s · 0 done · daemon', 'the replacement');
  assert.equal(describe(107), 'PID 107 · alive · daemon', 'a worker with no task yet');
});

test("a worker's hover names its pool, its tasks with what they raised, and the task it runs or died running", () => {
  const { find, pool, main } = view();
  // As the view does: a process's pool is the one its poolId names.
  const details = (pid: number) =>
    Object.fromEntries(workerDetails(find(pid), find(pid).poolId === pool.id ? pool : undefined, main, NOW).filter(([, value]) => value !== undefined));
  assert.deepEqual(details(103), { Pool: 'Pool of MainProcess (PID 100)', Tasks: '2 done · 1 failed (ValueError ×1)' });
  const running = details(106);
  assert.equal(running['Current task'], 'sq(5)');
  assert.equal(running['Current task since'], `${new Date(900).toLocaleTimeString()} (1.1 s)`);
  assert.equal(details(104)['Lost task'], 'sq(2): the worker died running it, its result never comes');
  assert.deepEqual(details(101), {}, 'a process that is no worker: nothing');
});

test("the hover's Role says what multiprocessing's own processes are for, and nothing for any other", () => {
  const role = (extra: Partial<ProcessRecord>) => helperPurpose(recordOf(101, extra));
  assert.match(role({ kind: 'helper', name: 'forkserver' }) ?? '', /^The fork server: /);
  assert.match(role({ kind: 'helper', name: 'resource_tracker' }) ?? '', /^The resource tracker: /);
  const manager = { name: 'SyncManager-1', target: { name: 'BaseManager._run_server', file: '/usr/lib/python3.12/multiprocessing/managers.py', line: 155 } };
  assert.match(role(manager) ?? '', /^A Manager's server process: /);
  assert.equal(role({ target: { name: 'BaseManager._run_server', file: '/x/my_managers.py', line: 3 } }), undefined, 'a function of that name elsewhere');
  assert.equal(role({}), undefined);
});

test('a worker is found inside its pool row: its parent is the pool, whose parent is the creator', () => {
  const { rows, run, main, find } = view();
  const poolNode = rows.childrenOf(main)[1];
  for (const pid of [102, 106, 107]) {
    assert.equal(rows.parentOf(find(pid)), poolNode);
  }
  assert.equal(rows.parentOf(poolNode), main);
  assert.equal(rows.parentOf(main), run);
  assert.equal(rows.parentOf(find(101)), main, 'a plain child hangs under its parent as before');
});

test('the filter keeps the pool row above a worker that matches, and only that worker in it', () => {
  const { rows, run, main, labels } = view();
  rows.filter = { text: 'ForkPoolWorker-4' };
  assert.deepEqual(labels(run), ['MainProcess']);
  assert.deepEqual(labels(main), ['Pool']);
  assert.deepEqual(labels(rows.childrenOf(main)[0]), ['ForkPoolWorker-4']);
  rows.filter = { state: 'exited' };
  rows.clear();
  assert.deepEqual(labels(rows.childrenOf(main)[0]), ['ForkPoolWorker-1', 'ForkPoolWorker-3']);
  rows.filter = { text: 'Process-2' };
  rows.clear();
  assert.deepEqual(labels(main), ['Process-2'], 'no worker matches: no pool row');
});

test('with keepExited off, the pool row lists its live workers only', () => {
  const { rows, main, labels } = view(false);
  assert.deepEqual(labels(rows.childrenOf(main)[1]), ['ForkPoolWorker-2', 'ForkPoolWorker-4', 'ForkPoolWorker-5']);
});

test('the one-second redraw takes a worker running a task, and its pool row, until the task ends', () => {
  const { rows, main, find, apply } = view();
  const poolNode = rows.childrenOf(main)[1];
  const worker = find(106);
  assert.equal(showsDuration(worker), true);
  assert.deepEqual(rows.growingRows(worker), [worker, poolNode]);
  assert.equal(showsDuration(find(103)), false, 'idle: nothing on its row grows');
  assert.deepEqual(rows.growingRows(find(103)), []);

  const idle = decodeTracerLine('{"e":"idle","pid":106,"t":2.1,"done":1,"failed":0,"error":null}');
  assert.ok(idle.ok);
  apply(idle.event);
  assert.equal(showsDuration(worker), false);
  assert.deepEqual(rows.growingRows(worker), []);
});

test('a pool whose workers have all ended reads pool.ended', () => {
  const { find, apply, row } = view();
  const ended = (pid: number, time: number) => {
    const line = decodeTracerLine(`{"e":"reaped","pid":100,"t":${time},"child":${pid},"code":0}`);
    assert.ok(line.ok);
    apply(line.event);
  };
  ended(103, 2.2);
  ended(106, 2.2);
  ended(107, 2.2);
  assert.ok([102, 103, 104, 106, 107].every((pid) => (find(pid) as ProcessRecord).state === 'exited'));
  assert.equal(row().contextValue, 'pool.ended');
  assert.match(row().description, /^5 workers, all exited · /);
});
