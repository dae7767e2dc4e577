import { strict as assert } from 'node:assert';
import { test, TestContext } from 'node:test';
import { DIAGNOSIS_AFTER_MS } from '../../src/core/diagnosis/deadlocks';
import { isDetail, ProcessesNode, ProcessRows } from '../../src/vscode/views/processRows';
import { RowTicker, TICK_MS } from '../../src/vscode/views/rowTicker';
import { RunDiagnoses } from '../../src/vscode/views/runDiagnoses';
import { modelWithRun, settle, snapshot, startEvent } from './modelFixtures';

// The Processes view's one-second redraw: which rows it redraws, and when it runs at all.

const JOIN_AT = 1_000;

/**
 * setInterval and clearInterval on a clock the test moves (node:test's mocked timers of
 * Node 20 keep an interval that is cleared from its own callback): `running` counts the live ones.
 */
function fakeIntervals(t: TestContext) {
  const live = new Map<number, { run: () => void; every: number; next: number }>();
  let clock = 0;
  let ids = 0;
  const real = { setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval };
  globalThis.setInterval = ((run: () => void, every: number) => {
    live.set(++ids, { run, every, next: clock + every });
    return ids;
  }) as unknown as typeof setInterval;
  globalThis.clearInterval = ((id: number | undefined) => void live.delete(id ?? -1)) as unknown as typeof clearInterval;
  t.after(() => Object.assign(globalThis, real));
  return {
    get running() {
      return live.size;
    },
    advance(ms: number) {
      const until = clock + ms;
      for (;;) {
        const due = [...live.values()].sort((a, b) => a.next - b.next)[0];
        if (!due || due.next > until) {
          break;
        }
        clock = due.next;
        due.next += due.every;
        due.run();
      }
      clock = until;
    },
  };
}

/**
 * burst.py as the tracer tells it: MainProcess (PID 100) starts Process-1..100, which sleep,
 * and joins Process-1 at JOIN_AT. The ticker is wired to the model as the view wires it, on a
 * clock the test moves together with the timers.
 */
async function sleepers(t: TestContext, threadsShown = false) {
  const timers = fakeIntervals(t);
  const fixture = modelWithRun();
  const { apply, model, advance } = fixture;
  const hello = (pid: number, ppid: number) =>
    apply({ kind: 'hello', pid, time: 0, ppid, executable: 'python3', argv: ['burst.py'], pythonVersion: '3.12.1', thread: { tid: pid, nativeId: pid, name: 'MainThread' } });
  hello(100, 1);
  for (let pid = 101; pid <= 200; pid++) {
    apply(startEvent(100, pid, `Process-${pid - 100}`));
    hello(pid, 100);
  }
  model.applyScan([snapshot(100, 1, { threadCount: 1 }), ...Array.from({ length: 100 }, (_, i) => snapshot(101 + i, 100, { threadCount: 1 }))]);
  advance(JOIN_AT);
  let now = JOIN_AT;
  const diagnoses = new RunDiagnoses(model);
  const rows = new ProcessRows(model, diagnoses, () => true, threadsShown);
  const seen = { looks: 0, redraws: [] as ProcessesNode[][] };
  const ticker = new RowTicker(model, rows, {
    updateDiagnoses: (at) => {
      seen.looks++;
      return diagnoses.update(at);
    },
    redraw: (nodes) => seen.redraws.push(nodes),
    now: () => now,
  });
  t.after(() => ticker.dispose());
  model.on('change', ({ processes }) => ticker.changed(processes));
  apply({ kind: 'join', pid: 100, time: JOIN_AT, child: 101, phase: 'enter', timeout: null, code: null });
  // The OS's answers about the pids the tracer named, then the one notification of all of it.
  await settle();
  model.flushNow();
  const pass = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      now += TICK_MS;
      advance(TICK_MS);
      timers.advance(TICK_MS);
    }
  };
  return { ...fixture, rows, ticker, seen, pass, timers, main: model.find('r', 100)! };
}

test('100 sleeping processes under a joining parent, thread rows hidden: one look once the join has lasted, then no tick at all', async (t) => {
  const { seen, pass, timers } = await sleepers(t);
  assert.equal(timers.running, 1, 'the join is too young to judge');
  pass(1);
  assert.equal(seen.looks, 1, `after ${DIAGNOSIS_AFTER_MS} ms the join is old enough to be judged`);
  assert.equal(timers.running, 0, 'no row shows a growing time and no wait is too young to judge');
  pass(10);
  assert.equal(seen.looks, 1);
  assert.deepEqual(seen.redraws, [], 'no row was redrawn');
});

test("with thread rows shown, the joining parent's main thread row counts the seconds: it alone is redrawn, each second", async (t) => {
  const { seen, pass, main } = await sleepers(t, true);
  pass(5);
  assert.equal(seen.redraws.length, 5);
  for (const nodes of seen.redraws) {
    assert.equal(nodes.length, 1);
    const [row] = nodes;
    assert.ok(isDetail(row) && row.row === 'thread' && row.process === main && row.thread.main);
  }
});

test('showing thread rows starts the ticks for a joining process, hiding them stops them', async (t) => {
  const { seen, pass, rows, ticker } = await sleepers(t);
  pass(3);
  assert.equal(seen.redraws.length, 0);
  rows.threadsShown = true;
  ticker.rowsChanged();
  pass(2);
  assert.equal(seen.redraws.length, 2, 'its main thread row says how long it has joined');
  rows.threadsShown = false;
  ticker.rowsChanged();
  const looks = seen.looks;
  pass(5);
  assert.deepEqual([seen.redraws.length, seen.looks], [2, looks]);
});

test('a waiting process is redrawn each second while it waits, and not once it woke', async (t) => {
  const { seen, pass, apply, model } = await sleepers(t);
  pass(3);
  apply({ kind: 'wait', pid: 105, time: 4_000, tid: 105, wait: 'queue-get', call: 'Queue.get', on: null, timeout: null, site: { file: '/x/burst.py', line: 9 }, bytes: null });
  model.flushNow();
  pass(3);
  const waiting = model.find('r', 105)!;
  assert.deepEqual(seen.redraws, [[waiting], [waiting], [waiting]]);
  apply({ kind: 'woke', pid: 105, time: 7_000, tid: 105 });
  model.flushNow();
  pass(3);
  assert.equal(seen.redraws.length, 3);
});

test('a hidden view runs no tick; shown again, a waiting row counts the seconds again, and its deadlock appears', async (t) => {
  const { seen, pass, ticker, apply, model, main } = await sleepers(t);
  ticker.onScreen = false;
  // Process-1, the one joined, waits for a lock nobody will release: with its parent, a deadlock.
  apply({ kind: 'wait', pid: 101, time: JOIN_AT, tid: 101, wait: 'lock', call: 'Lock.acquire', on: null, timeout: null, site: { file: '/x/burst.py', line: 9 }, bytes: null });
  // Every other child has ended: only the two are left.
  for (let pid = 102; pid <= 200; pid++) {
    apply({ kind: 'exit', pid, time: JOIN_AT, code: 0 });
  }
  model.applyScan([snapshot(100, 1, { threadCount: 1 }), snapshot(101, 100, { threadCount: 1 })]);
  model.flushNow();
  pass(5);
  assert.deepEqual([seen.looks, seen.redraws.length], [0, 0]);
  ticker.onScreen = true;
  pass(1);
  assert.equal(seen.looks, 1);
  assert.deepEqual(seen.redraws, [[main, model.find('r', 101)!]], 'the deadlock on MainProcess, and the wait that counts the seconds');
});

/** Process-1, the one joined, exits with its Queue's feeder thread still writing: no row of either counts the seconds. */
function feederStillWriting({ apply, model }: Awaited<ReturnType<typeof sleepers>>) {
  apply({ kind: 'thread', pid: 101, time: JOIN_AT, tid: 0xfeed, nativeId: 1101, name: 'QueueFeederThread', daemon: true, target: null });
  apply({ kind: 'wait', pid: 101, time: JOIN_AT, tid: 0xfeed, wait: 'queue-feeder', call: 'Queue._finalize_join', on: null, timeout: null, site: null, bytes: 1 << 20 });
  model.flushNow();
}

test('a deadlock no row counts the seconds of is still found once it has lasted; then the ticks stop', async (t) => {
  const fixture = await sleepers(t);
  const { seen, pass, timers, main, rows, model } = fixture;
  feederStillWriting(fixture);
  assert.deepEqual([...rows.growingRows(main), ...rows.growingRows(model.find('r', 101)!)], []);
  pass(1);
  assert.deepEqual(seen.redraws, [[main]], 'the deadlock appears under MainProcess');
  assert.equal(timers.running, 0);
});

test('a hidden view runs no tick; shown again, the first tick catches up with a deadlock that lasted meanwhile', async (t) => {
  const fixture = await sleepers(t);
  const { seen, pass, timers, main, ticker } = fixture;
  ticker.onScreen = false;
  feederStillWriting(fixture);
  pass(5);
  assert.deepEqual([seen.looks, timers.running], [0, 0]);
  ticker.onScreen = true;
  pass(1);
  assert.deepEqual(seen.redraws, [[main]]);
  assert.equal(timers.running, 0, 'and decides on the next: nothing grows');
});
