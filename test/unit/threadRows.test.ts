import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { WaitKind } from '../../src/core/protocol/tracerEvents';
import { ENDED_THREADS_SHOWN, shortSite, showsDuration, threadDescription, threadDetails, threadRows } from '../../src/vscode/views/threadRows';
import { modelWithRun, snapshot, startEvent } from './modelFixtures';

// The rows under a process when threads are shown, as the tracer's messages make them.

const MAIN = 0x7f00;

/** A run whose program (PID 100) said hello from its main thread at time 0. */
function programWithThreads() {
  const fixture = modelWithRun();
  fixture.apply({ kind: 'hello', pid: 100, time: 0, ppid: 1, executable: 'python3', argv: ['main.py'], pythonVersion: '3.12.1', thread: { tid: MAIN, nativeId: 100, name: 'MainThread' } });
  const record = () => fixture.model.find('r', 100)!;
  const thread = (tid: number, name: string, daemon = false, time = 10) =>
    fixture.apply({ kind: 'thread', pid: 100, time, tid, nativeId: tid & 0xffff, name, daemon, target: { name: 'beat', file: '/x/main.py', line: 7 } });
  const wait = (tid: number, wait: WaitKind, call: string, time: number, extra: { on?: string; bytes?: number } = {}) =>
    fixture.apply({ kind: 'wait', pid: 100, time, tid, wait, call, on: extra.on ?? null, timeout: null, site: { file: '/x/main.py', line: 21 }, bytes: extra.bytes ?? null });
  return { ...fixture, record, thread, wait };
}

const labels = (rows: ReturnType<typeof threadRows>) =>
  rows.map((row) => (row.row === 'thread' ? row.thread.name : `${row.row} ${row.count}`));

test('the main thread first, then the threads as started; each says what it does', () => {
  const { record, thread, wait } = programWithThreads();
  thread(0x7f01, 'Heartbeat', true);
  thread(0x7f02, 'Collector');
  wait(0x7f02, 'event', 'Event.wait', 1_000);
  const rows = threadRows(record());
  assert.deepEqual(labels(rows), ['MainThread', 'Heartbeat', 'Collector']);
  const describe = (index: number) => {
    const row = rows[index];
    assert.equal(row.row, 'thread');
    return threadDescription(record(), row.thread, undefined, 4_000);
  };
  assert.equal(describe(0), 'main thread · alive');
  assert.equal(describe(1), 'daemon thread · alive');
  assert.equal(describe(2), 'waiting in Event.wait() · 3.0 s');
});

test('the main thread of a joining process says whom it joins, and since when', () => {
  const { apply, record } = programWithThreads();
  apply(startEvent(100, 101, 'Process-1'));
  apply({ kind: 'join', pid: 100, time: 500, child: 101, phase: 'enter', timeout: null, code: null });
  const [main] = threadRows(record());
  assert.equal(main.row, 'thread');
  assert.equal(threadDescription(record(), main.thread, 'Process-1', 12_500), 'main thread · joining Process-1 · 12.0 s');
  assert.equal(showsDuration(record()), true);
});

test('a wait that ends stops ticking; an ended thread reads "ended"', () => {
  const { apply, record, thread, wait } = programWithThreads();
  thread(0x7f01, 'Reader');
  wait(0x7f01, 'queue-get', 'Queue.get', 100);
  assert.equal(showsDuration(record()), true, 'a waiting thread: its row shows a growing time');
  apply({ kind: 'woke', pid: 100, time: 200, tid: 0x7f01 });
  assert.equal(showsDuration(record()), false, 'nothing waits: nothing needs redrawing');
  apply({ kind: 'thread-end', pid: 100, time: 300, tid: 0x7f01, name: null });
  const reader = threadRows(record()).find((row) => row.row === 'thread' && row.thread.name === 'Reader');
  assert.ok(reader && reader.row === 'thread');
  assert.equal(threadDescription(record(), reader.thread, undefined, 400), 'ended');
});

test('only the latest ended threads are listed; the others are counted', () => {
  const { apply, record, thread } = programWithThreads();
  for (let i = 1; i <= ENDED_THREADS_SHOWN + 3; i++) {
    thread(0x1000 + i, `Worker-${i}`, false, i * 10);
    apply({ kind: 'thread-end', pid: 100, time: i * 10 + 5, tid: 0x1000 + i, name: null });
  }
  thread(0x2000, 'Listener');
  const shown = labels(threadRows(record()));
  assert.deepEqual(shown, ['MainThread', 'Listener', 'earlier-threads 3', ...Array.from({ length: ENDED_THREADS_SHOWN }, (_, i) => `Worker-${i + 4}`)]);
});

test('threads the OS counts beyond Python\'s are one row; a process whose tracer named none has no rows', () => {
  const { model, record, thread } = programWithThreads();
  thread(0x7f01, 'Heartbeat', true);
  model.applyScan([snapshot(100, 1, { sessionId: 100, threadCount: 5 })]);
  assert.deepEqual(labels(threadRows(record())), ['MainThread', 'Heartbeat', 'native-threads 3']);

  const bare = modelWithRun();
  bare.model.applyScan([snapshot(100, 1, { sessionId: 100, threadCount: 4 })]);
  assert.deepEqual(threadRows(bare.model.find('r', 100)!), [], 'no thread named: "4 native threads" would mislead');
});

test('a process that has ended shows no threads', () => {
  const { model, record, thread, advance } = programWithThreads();
  thread(0x7f01, 'Heartbeat', true);
  advance(100);
  model.programExited('r', 0);
  model.applyScan([]);
  assert.equal(record().state, 'exited');
  assert.deepEqual(threadRows(record()), []);
});

test('the hover names the thread as faulthandler does, its target and where it waits', () => {
  const { record, thread, wait } = programWithThreads();
  thread(0x7f01, 'Reader', true);
  wait(0x7f01, 'queue-get', 'Queue.get', 100);
  const reader = record().threads[1];
  const details = Object.fromEntries(threadDetails(reader));
  assert.equal(details['Thread id'], '0x7f01');
  assert.equal(details['Native id'], String(0x7f01));
  assert.equal(details['Daemon thread'], 'yes');
  assert.equal(details['Target'], 'beat (main.py:7)');
  assert.equal(details['Waiting'], 'waiting in Queue.get()');
  assert.equal(details['Called at'], 'main.py:21');
  assert.equal(shortSite({ file: '/x/y/prog.py', line: null }), 'prog.py');
  assert.equal(shortSite(null), undefined);
});
