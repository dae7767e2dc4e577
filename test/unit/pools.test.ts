import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { poolJson } from '../../src/cli/jsonReport';
import { renderRunTree } from '../../src/cli/treeText';
import { MAX_TASK_SPANS, summarizePool } from '../../src/core/model/pools';
import { decodeTracerLine, TracerEvent } from '../../src/core/protocol/tracerEvents';
import { poolDescription, taskCallText, workerTaskText } from '../../src/core/present/poolText';
import { modelWithRun, settle } from './modelFixtures';

// A pool's model from the tracer's lines as they are sent: the creator's pool, start and
// submit lines, each worker's task and idle lines (times in seconds, as Python's time.time()).

function line(text: string): TracerEvent {
  const decoded = decodeTracerLine(text);
  assert.ok(decoded.ok, text);
  return decoded.event;
}

const poolLine = (pool = '100-1', size = 2, maxtasks: number | null = null) =>
  line(`{"e":"pool","pid":100,"t":1.000,"pool":"${pool}","kind":"Pool","size":${size},"maxtasks":${maxtasks}}`);
const startLine = (child: number, name: string, t: number, pool = '100-1') =>
  line(
    `{"e":"start","pid":100,"t":${t},"child":${child},"name":"${name}","daemon":true,"method":"fork","target":{"name":"worker","file":"/py/multiprocessing/pool.py","line":97},"site":null,"pool":"${pool}"}`,
  );
const submitLine = (items: number, t = 1.01) => line(`{"e":"submit","pid":100,"t":${t},"pool":"100-1","items":${items}}`);
const taskLine = (pid: number, t: number, args: string, done: number, failed: number, ended: number | null = null, error: string | null = null, items = 1) =>
  line(
    `{"e":"task","pid":${pid},"t":${t},"fn":"square","args":${JSON.stringify(args)},"items":${items},"done":${done},"failed":${failed},"ended":${ended},"error":${JSON.stringify(error)}}`,
  );
const idleLine = (pid: number, t: number, done: number, failed: number, error: string | null = null) =>
  line(`{"e":"idle","pid":${pid},"t":${t},"done":${done},"failed":${failed},"error":${JSON.stringify(error)}}`);

function poolOfTwo() {
  const fixture = modelWithRun(100);
  const { apply } = fixture;
  apply(poolLine());
  apply(startLine(201, 'ForkPoolWorker-1', 1.001));
  apply(startLine(202, 'ForkPoolWorker-2', 1.002));
  apply(line(`{"e":"start","pid":100,"t":1.003,"child":300,"name":"Process-3","daemon":false,"method":"fork","target":null,"site":null}`));
  apply(submitLine(6));
  return fixture;
}

const summaryOf = (model: ReturnType<typeof modelWithRun>['model']) => summarizePool(model.poolsOf('r')[0], model.processesOf('r'));

test('a pool is known by its creator, its workers by their start line; a plain child stays outside', () => {
  const { model } = poolOfTwo();
  const [pool] = model.poolsOf('r');
  assert.deepEqual(
    { id: pool.id, kind: pool.kind, creatorPid: pool.creatorPid, size: pool.size, submitted: pool.submitted },
    { id: '100-1', kind: 'Pool', creatorPid: 100, size: 2, submitted: 6 },
  );
  assert.equal(pool.creatorKey, model.find('r', 100)?.key);
  assert.deepEqual(
    summaryOf(model).workers.map((w) => w.pid),
    [201, 202],
  );
  assert.equal(model.find('r', 300)?.poolId, undefined);
});

test("the workers' own tallies add up: done counts the calls that raised, failed and their types too", () => {
  const { model, apply } = poolOfTwo();
  apply(taskLine(201, 1.1, '0', 0, 0));
  apply(taskLine(202, 1.1, '1', 0, 0));
  apply(taskLine(201, 1.3, '2', 1, 0, 1.2));
  apply(taskLine(202, 1.3, '3', 1, 1, 1.25, 'ValueError'));
  let summary = summaryOf(model);
  assert.deepEqual({ done: summary.done, failed: summary.failed, running: summary.running, submitted: summary.submitted }, { done: 2, failed: 1, running: 2, submitted: 6 });
  apply(taskLine(201, 1.5, '4', 2, 0, 1.4));
  apply(taskLine(202, 1.5, '5', 2, 1, 1.45));
  apply(idleLine(201, 1.6, 3, 0));
  apply(idleLine(202, 1.7, 3, 2, 'KeyError'));
  summary = summaryOf(model);
  assert.deepEqual(
    { done: summary.done, failed: summary.failed, running: summary.running, errors: summary.errors },
    { done: 6, failed: 2, running: 0, errors: { ValueError: 1, KeyError: 1 } },
  );
  const worker = model.find('r', 202)!;
  assert.deepEqual(
    worker.tasks!.spans.map((s) => [s.args, s.startedAt, s.endedAt, s.failed, s.error ?? null]),
    [
      ['1', 1100, 1250, 1, 'ValueError'],
      ['3', 1300, 1450, 0, null],
      ['5', 1500, 1700, 1, 'KeyError'],
    ],
  );
  assert.equal(poolDescription(summary), '2 workers · 6/6 done · 2 failed');
});

test("a worker's row says what it runs, for how long, and what it has done", () => {
  const { model, apply } = poolOfTwo();
  apply(taskLine(201, 1.1, '7', 4, 0, null, null, 1));
  const worker = model.find('r', 201)!;
  assert.equal(workerTaskText(worker, 3100), 'running square(7) · 2.0 s · 4 done');
  assert.equal(taskCallText({ function: 'square', args: '0', items: 63 }), 'square(0) … 63 calls');
  assert.equal(taskCallText({ function: 'square', args: null, items: 1 }), 'square(…)');
  apply(idleLine(201, 3.2, 5, 0));
  assert.equal(workerTaskText(worker, 4000), 'idle · 5 done');
});

test('a worker that dies running a task loses it: the pool says so and counts it as submitted', async () => {
  const { model, apply } = poolOfTwo();
  apply(taskLine(201, 1.1, '3', 0, 0));
  model.applyScan([]);
  await settle();
  model.flushNow(true);
  const worker = model.find('r', 201)!;
  assert.equal(worker.state, 'exited');
  assert.equal(worker.tasks!.current, undefined);
  assert.equal(worker.tasks!.spans.at(-1)?.lost, true);
  assert.match(workerTaskText(worker, 5000)!, /^died running square\(3\) · 0 done$/);
  const summary = summaryOf(model);
  assert.equal(summary.lost, 1);
});

test('a replacement worker (maxtasksperchild) joins the same pool; the exited one stays counted', () => {
  const { model, apply } = modelWithRun(100);
  apply(poolLine('100-1', 1, 2));
  apply(startLine(201, 'ForkPoolWorker-1', 1.001));
  apply(submitLine(4));
  apply(taskLine(201, 1.1, '0', 0, 0));
  apply(taskLine(201, 1.2, '1', 1, 0, 1.15));
  apply(idleLine(201, 1.3, 2, 0));
  apply(startLine(202, 'ForkPoolWorker-2', 1.31));
  apply(taskLine(202, 1.4, '2', 0, 0));
  apply(taskLine(202, 1.5, '3', 1, 0, 1.45));
  apply(idleLine(202, 1.6, 2, 0));
  const summary = summaryOf(model);
  assert.deepEqual(
    summary.workers.map((w) => [w.pid, w.tasks?.done]),
    [
      [201, 2],
      [202, 2],
    ],
  );
  assert.equal(summary.done, 4);
  assert.equal(summary.pool.maxTasksPerChild, 2);
});

test('tiny tasks back to back are one segment; a worker keeps a bounded list of segments', () => {
  const { model, apply } = poolOfTwo();
  // 300 tasks of 1 ms, each right after the other: one busy stretch.
  for (let i = 0; i < 300; i++) {
    apply(taskLine(201, 2 + i * 0.001, String(i), i, 0, i ? 2 + i * 0.001 : null));
  }
  apply(idleLine(201, 2.3, 300, 0));
  const spans = model.find('r', 201)!.tasks!.spans;
  assert.equal(spans.length, 1);
  assert.deepEqual([spans[0].tasks, spans[0].items, spans[0].startedAt, spans[0].endedAt], [300, 300, 2000, 2300]);
  // Tasks with gaps between them stay apart, the latest MAX_TASK_SPANS of them.
  for (let i = 0; i < MAX_TASK_SPANS + 50; i++) {
    apply(taskLine(202, 3 + i * 0.1, String(i), i, 0, i ? 3 + (i - 1) * 0.1 + 0.05 : null));
  }
  assert.equal(model.find('r', 202)!.tasks!.spans.length, MAX_TASK_SPANS);
  assert.equal(model.find('r', 202)!.tasks!.done, MAX_TASK_SPANS + 49);
});

test('the CLI tree gathers the workers under their pool, where the first worker would be; JSON carries the pool', () => {
  const { model, apply } = poolOfTwo();
  apply(taskLine(201, 1.1, '0', 0, 0, null, null, 3));
  apply(taskLine(202, 1.1, '3', 0, 0, null, null, 3));
  apply(idleLine(201, 1.2, 3, 0));
  apply(idleLine(202, 1.2, 3, 0));
  const run = model.run('r')!;
  const tree = renderRunTree(run, model.processesOf('r'), model.poolsOf('r'));
  assert.deepEqual(tree.split('\n').slice(1), [
    '└─ python3  PID 100 · alive',
    '   ├─ Pool  2 workers · 6/6 done',
    '   │  ├─ ForkPoolWorker-1  PID 201 · idle · 3 done · daemon  [fork]',
    '   │  └─ ForkPoolWorker-2  PID 202 · idle · 3 done · daemon  [fork]',
    '   └─ Process-3  PID 300 · alive  [fork]',
  ]);
  assert.deepEqual(poolJson(summaryOf(model)), {
    id: '100-1',
    kind: 'Pool',
    creator: 100,
    size: 2,
    maxTasksPerChild: null,
    createdAt: 1000,
    workers: [201, 202],
    alive: 2,
    submitted: 6,
    running: 0,
    done: 6,
    failed: 0,
    lost: 0,
    errors: {},
  });
});

test('submissions reported late never read fewer than the calls that already ran', () => {
  const { model, apply } = modelWithRun(100);
  apply(poolLine());
  apply(startLine(201, 'ForkPoolWorker-1', 1.001));
  apply(taskLine(201, 1.1, '0', 0, 0, null, null, 5));
  apply(idleLine(201, 1.2, 5, 0));
  assert.equal(summaryOf(model).submitted, 5);
  apply(submitLine(8));
  assert.equal(summaryOf(model).submitted, 8);
});

test("a worker's report that comes after the OS showed it gone: a task it began before its end is lost, unless its idle report follows", async () => {
  const { model, apply, advance } = poolOfTwo();
  advance(5000);
  model.applyScan([]);
  await settle();
  const worker = model.find('r', 201)!;
  assert.equal(worker.state, 'exited');
  assert.equal(worker.endedAt, 5000);
  const end = worker.endedAt! / 1000;
  apply(taskLine(201, end + 1, '9', 0, 0));
  assert.equal(worker.tasks?.spans.length ?? 0, 0, 'a task that began after its end is no news of this process');
  apply(taskLine(201, end - 0.5, '2', 0, 0));
  assert.deepEqual(
    worker.tasks!.spans.map((s) => [s.args, s.lost ?? false]),
    [['2', true]],
  );
  assert.equal(summaryOf(model).lost, 1);
  apply(idleLine(201, end - 0.2, 1, 0));
  assert.deepEqual(
    worker.tasks!.spans.map((s) => [s.args, s.lost ?? false, s.endedAt]),
    [['2', false, worker.endedAt! - 200]],
  );
  assert.deepEqual([summaryOf(model).lost, summaryOf(model).done], [0, 1]);
});

test('all of a worker\'s reports after the OS showed it gone: only a task no report closed is lost', async () => {
  const { model, apply, advance } = poolOfTwo();
  advance(5000);
  model.applyScan([]);
  await settle();
  apply(taskLine(201, 2.0, '0', 0, 0));
  apply(taskLine(201, 2.1, '1', 1, 0, 2.05));
  apply(taskLine(201, 2.2, '2', 2, 0, 2.15));
  const worker = model.find('r', 201)!;
  assert.deepEqual(
    worker.tasks!.spans.map((s) => [s.args, s.lost ?? false]),
    [
      ['0', false],
      ['1', false],
      ['2', true],
    ],
  );
  apply(idleLine(201, 2.3, 3, 0));
  assert.deepEqual([summaryOf(model).done, summaryOf(model).lost], [3, 0]);
});
