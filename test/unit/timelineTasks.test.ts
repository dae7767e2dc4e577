import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MAX_TASK_SPANS, taskBegan, taskEnded } from '../../src/core/model/pools';
import { RunRecord } from '../../src/core/model/processRecord';
import { TaskEvent } from '../../src/core/protocol/tracerEvents';
import { plainText } from '../../src/core/present/processText';
import { buildTimeline } from '../../src/core/timeline/timelineData';
import { presentTimeline } from '../../src/core/timeline/timelineView';
import { TimelineSent, WireView } from '../../src/core/timeline/timelineWire';
import { stretch } from '../../src/core/timeline/timeText';
import { recordOf } from './modelFixtures';
import { poolRun } from './poolEvents';

// A pool worker's tasks on its timeline lane: from the tracer's lines, worded, and sent to the webview.

const NOW = 2_000;

function squares() {
  const fixture = poolRun();
  const run = fixture.model.run('r')!;
  const records = fixture.model.processesOf('r');
  const lane = (pid: number, view = presentTimeline(run, records, NOW, 'squares.py', plainText)) => view.lanes.find((l) => l.pid === pid)!;
  return { ...fixture, run, records, lane };
}

test("each task is a segment on its worker's lane; the running one lasts until now, the lost one until its worker died", () => {
  const { run, records } = squares();
  const lanes = buildTimeline(run, records, NOW).lanes;
  const tasks = (pid: number) => lanes.find((l) => l.pid === pid)!.tasks.map((t) => [t.task.function, t.task.args, t.from, t.to, t.open]);
  assert.deepEqual(tasks(102), [
    ['sq', '0', 300, 500, false],
    ['sq', '3', 600, 800, false],
  ]);
  assert.deepEqual(tasks(103), [
    ['sq', '1', 300, 600, false],
    ['sq', '4', 700, 900, false],
  ]);
  assert.deepEqual(tasks(104), [['sq', '2', 300, 1000, false]]);
  assert.deepEqual(tasks(106), [['sq', '5', 900, NOW, true]]);
  assert.deepEqual(tasks(107), [], 'no task yet');
  assert.deepEqual(tasks(100), [], 'the creator runs no task');
});

test('the hover says the call, when and how long, what it raised, or that it was lost; the running one is in the clock', () => {
  const { run, records, lane } = squares();
  const view = presentTimeline(run, records, NOW, 'squares.py', plainText);
  const [, failed] = lane(103, view).tasks;
  assert.deepEqual(failed, { id: failed.id, from: 700, to: 900, open: false, outcome: 'failed', title: `sq(4)\n${stretch(700, 900)}\n1 failed: ValueError` });
  const [lost] = lane(104, view).tasks;
  assert.equal(lost.outcome, 'lost');
  assert.equal(lost.title, `sq(2)\n${stretch(300, 1000)}\nlost: the worker died running it`);
  const [running] = lane(106, view).tasks;
  assert.deepEqual([running.outcome, running.title], ['running', `running sq(5)\n${stretch(900, NOW)}`]);
  assert.deepEqual(
    view.clock.open.filter((o) => String(o.id).startsWith('task/')),
    [{ id: `task/${running.id}`, title: running.title }],
  );
  assert.deepEqual(lane(102, view).tasks.map((t) => t.outcome), ['done', 'done']);
  assert.deepEqual(
    view.legend.filter((entry) => entry.kind.startsWith('task')).map((entry) => entry.label),
    ['pool task', 'pool task that raised', 'pool task lost: its worker died'],
  );
  const withoutPools = presentTimeline(run, records.filter((r) => r.pid === 100), NOW, 'squares.py', plainText);
  assert.deepEqual(withoutPools.legend.filter((entry) => entry.kind.startsWith('task')), [], 'a run without pools has no such entries');
});

// A worker built by the model's own handlers, at times offset from T.
const T = 1_700_000_000_000;
const liveRun: RunRecord = { id: 'r', command: ['python3', 'main.py'], cwd: '/', startedAt: T, state: 'live' };
const task = (time: number, args: string, done: number, ended: number | null): TaskEvent => ({
  kind: 'task',
  pid: 101,
  time: T + time,
  function: 'inc',
  args,
  items: 1,
  done,
  failed: 0,
  error: null,
  ended: ended === null ? null : T + ended,
});
const worker = () => recordOf(101, { poolId: '100-1', startedAt: T });

test('short tasks back to back are one segment, whose hover says how many calls and tasks it holds', () => {
  const record = worker();
  taskBegan(record, task(100, '0', 0, null));
  for (let i = 1; i < 5; i++) {
    taskBegan(record, task(100 + i, String(i), i, 100 + i));
  }
  taskEnded(record, { kind: 'idle', pid: 101, time: T + 105, done: 5, failed: 0, error: null });
  const [merged, ...rest] = presentTimeline(liveRun, [record], T + 1000, 'main.py', plainText).lanes[0].tasks;
  assert.deepEqual(rest, []);
  assert.equal(merged.title, `inc(0) … 5 calls\n${stretch(T + 100, T + 105)}\n5 short tasks back to back, drawn as one`);
});

/** Each task as it travels: `id` alone, or in full (`open` or `full`). */
const shapes = (view: WireView) => view.lanes[0].tasks.map((t) => (typeof t === 'number' ? 'id' : t.open ? 'open' : 'full'));

test('an ended task is sent in full once, then as its id; the one a short task merged into is sent again', () => {
  const record = worker();
  const sent = new TimelineSent();
  const pack = (now: number) => sent.pack(presentTimeline(liveRun, [record], T + now, 'main.py', plainText));
  taskBegan(record, task(100, '0', 0, null));
  taskBegan(record, task(500, '1', 1, 400));
  taskBegan(record, task(900, '2', 2, 800));
  assert.deepEqual(shapes(pack(1000)), ['full', 'full', 'open']);
  assert.deepEqual(shapes(pack(2000)), ['id', 'id', 'open'], 'a tick: only the running one');

  taskEnded(record, { kind: 'idle', pid: 101, time: T + 2100, done: 3, failed: 0, error: null });
  assert.deepEqual(shapes(pack(2200)), ['id', 'id', 'full'], 'the running one ended: once more, in full');
  // A short one right after the last: merged into it, which now ends later.
  taskBegan(record, task(2101, '3', 3, null));
  taskEnded(record, { kind: 'idle', pid: 101, time: T + 2102, done: 4, failed: 0, error: null });
  assert.equal(record.tasks!.spans.length, 3);
  assert.deepEqual(shapes(pack(2300)), ['id', 'id', 'full']);
  assert.deepEqual(shapes(pack(2400)), ['id', 'id', 'id']);

  sent.reset();
  assert.deepEqual(shapes(pack(2500)), ['full', 'full', 'full'], 'a page loaded anew gets everything');
});

test('a worker that keeps 200 tasks sends them once, not with every tick', () => {
  const record = worker();
  for (let i = 0; i <= MAX_TASK_SPANS + 10; i++) {
    // 5 ms each, 5 ms apart: none merged.
    taskBegan(record, task(10 * i, String(i), i, i ? 10 * i - 5 : null));
  }
  const sent = new TimelineSent();
  const first = sent.pack(presentTimeline(liveRun, [record], T + 5000, 'main.py', plainText));
  assert.equal(shapes(first).filter((s) => s === 'full').length, MAX_TASK_SPANS);
  const next = sent.pack(presentTimeline(liveRun, [record], T + 6000, 'main.py', plainText));
  assert.deepEqual(new Set(shapes(next)), new Set(['id', 'open']));
  assert.ok(JSON.stringify(next.lanes[0].tasks).length < JSON.stringify(first.lanes[0].tasks).length / 10);
});
