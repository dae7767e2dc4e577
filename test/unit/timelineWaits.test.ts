import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessRecord, RunRecord, ThreadRecord, WaitSpan } from '../../src/core/model/processRecord';
import { plainText } from '../../src/core/present/processText';
import { buildTimeline } from '../../src/core/timeline/timelineData';
import { presentTimeline } from '../../src/core/timeline/timelineView';
import { at } from '../../src/core/timeline/timeText';
import { modelWithRun, recordOf, settle } from './modelFixtures';

// Times are offsets from T, so the expectations read as "ms into the run".
const T = 1_700_000_000_000;

const liveRun: RunRecord = { id: 'r', command: ['python3', 'stuck_lock.py'], cwd: '/', startedAt: T, state: 'live' };
const finishedRun: RunRecord = { ...liveRun, state: 'finished', endedAt: T + 4000 };

const record = (pid: number, extra: Partial<ProcessRecord> = {}): ProcessRecord => recordOf(pid, { seenAt: T, ...extra });

const wait = (tid: number, enteredAt: number, leftAt?: number, extra: Partial<WaitSpan> = {}): WaitSpan => ({
  tid,
  kind: 'lock',
  call: 'Lock.acquire',
  on: null,
  timeout: null,
  site: { file: '/x/stuck_lock.py', line: 17 },
  bytes: null,
  enteredAt: T + enteredAt,
  ...(leftAt !== undefined ? { leftAt: T + leftAt } : {}),
  ...extra,
});

const thread = (tid: number, name: string, extra: Partial<ThreadRecord> = {}): ThreadRecord => ({
  tid,
  nativeId: tid + 1000,
  name,
  daemon: false,
  main: false,
  ...extra,
});

/** examples/stuck_lock.py after 5 s: the parent joins the child, the child waits for the lock the parent holds. */
function stuckLock() {
  const blocked = wait(7, 400);
  const parent = record(100, {
    state: 'joining',
    startedAt: T,
    joiningPid: 101,
    joinTimeout: null,
    joins: [{ childPid: 101, timeout: null, enteredAt: T + 300 }],
    threads: [thread(5, 'MainThread', { main: true, startedAt: T })],
    osThreadCount: 1,
  });
  const child = record(101, {
    startedAt: T + 200,
    // A first try that got the lock after a moment, then the call that never returns.
    waits: [wait(7, 250, 260), blocked],
    threads: [thread(7, 'MainThread', { main: true, startedAt: T + 200, waiting: blocked })],
    osThreadCount: 1,
  });
  return { records: [parent, child], blocked };
}

/** A process that ended at 3 s with a daemon thread, then a second thread that got the first one's id. */
function twoThreads() {
  const waits = [
    wait(1, 100, 200, { kind: 'queue-get', call: 'Queue.get', timeout: 0.5, site: { file: '/x/main.py', line: 9 } }),
    wait(2, 600, 700, { kind: 'queue-get', call: 'Queue.get', site: { file: '/x/main.py', line: 4 } }),
    // Still blocked when the process ended: it ends there.
    wait(2, 1700, undefined, { kind: 'event', call: 'Event.wait', site: null }),
    // From a thread the tracer never named: nowhere to draw it.
    wait(99, 800, 900),
  ];
  const threads = [
    thread(1, 'MainThread', { main: true, startedAt: T }),
    thread(2, 'reader', { daemon: true, startedAt: T + 500, endedAt: T + 1500, target: { name: 'read_all', file: '/x/main.py', line: 3 } }),
    thread(2, 'worker', { startedAt: T + 1600 }),
  ];
  return record(100, { state: 'exited', startedAt: T, endedAt: T + 3000, exitCode: 0, threads, waits });
}

test("the main thread's calls are blocked stretches on its process's lane: one still blocked lasts until now", () => {
  const { records, blocked } = stuckLock();
  const data = buildTimeline(liveRun, records, T + 5000);
  const child = data.lanes[1];
  assert.deepEqual(
    child.waits.map(({ from, to, open, wait }) => ({ from: from - T, to: to - T, open, wait })),
    [
      { from: 250, to: 260, open: false, wait: records[1].waits[0] },
      { from: 400, to: 5000, open: true, wait: blocked },
    ],
  );
  assert.deepEqual(data.lanes[0].waits, [], "the parent's join() is a segment, not a call");
  assert.deepEqual(child.threads, [], 'the main thread has no lane of its own');
});

test('a call keeps its id from one build to the next, and no two calls share one', () => {
  const { records } = stuckLock();
  const ids = (now: number) => buildTimeline(liveRun, records, now).lanes[1].waits.map((w) => w.id);
  const first = ids(T + 5000);
  assert.deepEqual(ids(T + 6000), first);
  assert.equal(new Set(first).size, 2);
});

test('threads are lanes only when asked for; each has its own calls, from its start to its end or its process’s', () => {
  const process = twoThreads();
  const hidden = buildTimeline(finishedRun, [process], T + 9999).lanes[0];
  assert.deepEqual(hidden.threads, []);
  assert.deepEqual(hidden.waits.map((w) => [w.from - T, w.to - T, w.wait.call]), [[100, 200, 'Queue.get']], 'only the main thread’s call');

  const lane = buildTimeline(finishedRun, [process], T + 9999, { threads: true }).lanes[0];
  assert.deepEqual(lane.waits.map((w) => w.wait), [process.waits[0]], 'the main thread’s calls stay on the process’s lane');
  assert.deepEqual(
    lane.threads.map(({ waits, ...rest }) => ({ ...rest, from: rest.from - T, to: rest.to - T, waits: waits.map((w) => [w.from - T, w.to - T, w.open, w.wait]) })),
    [
      {
        tid: 2,
        name: 'reader',
        daemon: true,
        target: { name: 'read_all', file: '/x/main.py', line: 3 },
        from: 500,
        to: 1500,
        open: false,
        waits: [[600, 700, false, process.waits[1]]],
      },
      {
        tid: 2,
        name: 'worker',
        daemon: false,
        target: undefined,
        from: 1600,
        to: 3000,
        open: false,
        waits: [[1700, 3000, false, process.waits[2]]],
      },
    ],
  );
});

test('a live thread runs until now; without any thread named, every call is taken as the main thread’s', () => {
  const alive = record(100, { startedAt: T, threads: [thread(1, 'MainThread', { main: true }), thread(2, 'poller', { startedAt: T + 100 })] });
  assert.deepEqual(
    buildTimeline(liveRun, [alive], T + 2000, { threads: true }).lanes[0].threads.map((t) => [t.from - T, t.to - T, t.open]),
    [[100, 2000, true]],
  );
  const unnamed = record(100, { startedAt: T, waits: [wait(1, 10, 20), wait(2, 30, 40)] });
  assert.deepEqual(buildTimeline(liveRun, [unnamed], T + 2000).lanes[0].waits.map((w) => w.from - T), [10, 30]);
});

test('a deadlock of a live run is marked on the lane of the process whose wait never ends, from when it began', () => {
  const { records } = stuckLock();
  assert.deepEqual(buildTimeline(liveRun, records, T + 5000).problems, [
    { key: 'r:100', time: T + 400, diagnosis: { kind: 'wait-cycle', pid: 100, pids: [100, 101], since: T + 400 } },
  ]);
  assert.deepEqual(buildTimeline(liveRun, records, T + 1000).problems, [], 'not before the waits have lasted a while');
  assert.deepEqual(buildTimeline(finishedRun, records, T + 5000).problems, [], 'a finished run has nothing left to unblock');
});

test('the view words each call: what it waits for, its timeout, how long, and the line; open ones in the clock', () => {
  const { records } = stuckLock();
  const view = presentTimeline(liveRun, records, T + 5000, 'stuck_lock.py', plainText);
  const [parent, child] = view.lanes;
  const [early, blocked] = child.waits;
  assert.deepEqual(blocked, {
    id: blocked.id,
    call: 'Lock.acquire',
    from: T + 400,
    to: T + 5000,
    open: true,
    title: `waiting in Lock.acquire() · ${at(T + 400)} → ${at(T + 5000)} (4.6 s)\n/x/stuck_lock.py:17`,
  });
  assert.equal(early.title, `waiting in Lock.acquire() · ${at(T + 250)} → ${at(T + 260)} (10 ms)\n/x/stuck_lock.py:17`);
  assert.deepEqual(view.clock.open, [
    { id: 'r:100/segment/1', title: parent.segments[1].title },
    { id: 'r:101/segment/0', title: child.segments[0].title },
    { id: blocked.id, title: blocked.title },
  ]);
  assert.match(parent.segments[1].title, /^joining Process-101 · /);
  assert.deepEqual(view.clock.problems, [
    {
      key: 'r:100',
      time: T + 400,
      kind: 'wait-cycle',
      title:
        'Deadlock: every process of the run is waiting for another (MainProcess (PID 100), Process-101 (PID 101)).\n' +
        'Break the cycle: never join or wait for a process that waits for you; read queues before join() and release locks before waiting.',
    },
  ]);
  assert.equal(view.clock.end, T + 5000);
  assert.deepEqual(view.legend.find((entry) => entry.kind === 'blocked'), { kind: 'blocked', label: 'blocked in a call' });
});

test('thread lanes in the view: name with its daemon mark, a hover saying what it runs and when', () => {
  const view = presentTimeline(finishedRun, [twoThreads()], T + 9999, 'main.py', plainText, { threads: true });
  const [reader, worker] = view.lanes[0].threads;
  assert.deepEqual(
    { ...reader, waits: reader.waits.map((w) => w.title) },
    {
      id: 'r:100/thread/0',
      tid: 2,
      nameText: 'reader · daemon',
      title: `reader · daemon\nread_all · /x/main.py:3\nstarted at ${at(T + 500)}\nended at ${at(T + 1500)}`,
      from: T + 500,
      to: T + 1500,
      open: false,
      waits: [`waiting in Queue.get() · ${at(T + 600)} → ${at(T + 700)} (100 ms)\n/x/main.py:4`],
    },
  );
  assert.equal(worker.nameText, 'worker');
  assert.equal(worker.waits[0].title, `waiting in Event.wait() · ${at(T + 1700)} → ${at(T + 3000)} (1.3 s)`, 'no line known: none said');
  assert.equal(view.lanes[0].waits[0].title, `waiting in Queue.get() · timeout 0.5 s · ${at(T + 100)} → ${at(T + 200)} (100 ms)\n/x/main.py:9`);
  assert.deepEqual(view.clock.open, [], 'a finished run has nothing open');
});

test('an ended call is worded once: the next view reuses its words, while an open one is worded anew', () => {
  const { records } = stuckLock();
  const present = (now: number) => presentTimeline(liveRun, records, now, 'stuck_lock.py', plainText).lanes[1].waits;
  const [early, blocked] = present(T + 5000);
  const [earlyAgain, blockedLater] = present(T + 6000);
  assert.equal(earlyAgain, early);
  assert.notEqual(blockedLater, blocked);
  assert.match(blockedLater.title, /\(5\.6 s\)/);
  const otherWords = presentTimeline(liveRun, records, T + 5000, 'stuck_lock.py', (message, ...args) => `«${plainText(message, ...args)}»`);
  assert.match(otherWords.lanes[1].waits[0].title, /^«waiting in Lock\.acquire\(\)»/, 'another translator gets its own words');
});

test('from the tracer’s messages through the model: the main thread’s call on the process’s lane, a thread’s on its own', async () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 10, executable: 'python3', argv: ['main.py'], pythonVersion: '3.13.0', thread: { tid: 1, nativeId: 100, name: 'MainThread' } });
  apply({ kind: 'thread', pid: 100, time: 20, tid: 2, nativeId: 101, name: 'Reader', daemon: true, target: null });
  apply({ kind: 'wait', pid: 100, time: 30, tid: 2, wait: 'queue-get', call: 'Queue.get', on: null, timeout: null, site: null, bytes: null });
  apply({ kind: 'wait', pid: 100, time: 40, tid: 1, wait: 'thread-join', call: 'Thread.join', on: 'Reader', timeout: null, site: null, bytes: null });
  apply({ kind: 'woke', pid: 100, time: 50, tid: 2 });
  await settle();
  const lane = buildTimeline(model.run('r')!, model.processesOf('r'), 100, { threads: true }).lanes[0];
  assert.deepEqual(lane.waits.map((w) => [w.wait.call, w.from, w.to, w.open]), [['Thread.join', 40, 100, true]]);
  assert.deepEqual(
    lane.threads.map((t) => [t.name, t.daemon, t.from, t.to, t.open, t.waits.map((w) => [w.wait.call, w.from, w.to, w.open])]),
    [['Reader', true, 20, 100, true, [['Queue.get', 30, 50, false]]]],
  );
});
