import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessRecord, RunRecord } from '../../src/core/model/processRecord';
import { plainText } from '../../src/core/present/processText';
import { buildTimeline } from '../../src/core/timeline/timelineData';
import { axisTicks, presentTimeline } from '../../src/core/timeline/timelineView';

// Times are offsets from T, so the expectations read as "ms into the run".
const T = 1_700_000_000_000;

const run = (extra: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r',
  command: ['python3', 'main.py'],
  cwd: '/',
  startedAt: T,
  state: 'finished',
  endedAt: T + 4000,
  ...extra,
});

const record = (pid: number, extra: Partial<ProcessRecord> = {}): ProcessRecord => ({
  key: `r:${pid}`,
  runId: 'r',
  pid,
  seenAt: T,
  name: `Process-${pid}`,
  formerNames: [],
  kind: 'mp-child',
  python: true,
  daemon: false,
  state: 'exited',
  orphan: false,
  traced: true,
  signalsRequested: [],
  joins: [],
  threads: [],
  waits: [],
  ...extra,
});

const main = (extra: Partial<ProcessRecord> = {}) =>
  record(100, { name: 'MainProcess', kind: 'program', startedAt: T, endedAt: T + 1500, exitCode: 0, ...extra });

/** §9: the parent starts egon, terminate()s it at once; is_alive() collects −15 a moment later. */
function terminateRun() {
  const egon = record(101, {
    name: 'egon',
    parentKey: 'r:100',
    startedAt: T + 100,
    endedAt: T + 130,
    reapedAt: T + 140,
    exitCode: -15,
    signal: 'SIGTERM',
    signalsRequested: [{ signal: 'SIGTERM', by: 100, time: T + 110 }],
  });
  return { run: run({ endedAt: T + 1600, exitCode: 0 }), records: [egon, main()] };
}

/** §8: four children start, then the parent joins each in turn; Process-2 ends before its turn. */
function joinAllRun() {
  const child = (pid: number, endedAt: number, reapedAt: number) =>
    record(pid, { parentKey: 'r:100', startedAt: T + pid - 100, endedAt: T + endedAt, reapedAt: T + reapedAt, exitCode: 0 });
  const joins = [
    { childPid: 101, timeout: null, enteredAt: T + 150, leftAt: T + 3101 },
    { childPid: 102, timeout: null, enteredAt: T + 3101, leftAt: T + 3102 },
    { childPid: 103, timeout: null, enteredAt: T + 3102, leftAt: T + 3103 },
    { childPid: 104, timeout: 1, enteredAt: T + 3103, leftAt: T + 3104 },
  ];
  const records = [
    main({ endedAt: T + 3200, joins }),
    // A process that had pid 102 before, long gone: the join must not point at it.
    record(102, { key: 'r:102:old', name: 'sleep', kind: 'native', parentKey: 'r:100', startedAt: T + 10, endedAt: T + 20 }),
    child(101, 3100, 3101),
    child(102, 3050, 3102),
    child(103, 3102, 3103),
    child(104, 3103, 3104),
  ];
  return { run: run(), records };
}

test('§9: the terminate request is a mark, the exit is −15 SIGTERM, and the lane sits under its parent', () => {
  const { run, records } = terminateRun();
  const data = buildTimeline(run, records, T + 9999);
  assert.deepEqual([data.start, data.end, data.live], [T, T + 1600, false]);
  assert.deepEqual(data.lanes.map((l) => [l.name, l.depth]), [['MainProcess', 0], ['egon', 1]]);
  assert.deepEqual(data.lanes[1], {
    key: 'r:101',
    pid: 101,
    depth: 1,
    name: 'egon',
    formerNames: [],
    kind: 'mp-child',
    daemon: false,
    state: 'exited',
    startedAt: T + 100,
    endedAt: T + 130,
    reapedAt: T + 140,
    exitCode: -15,
    signal: 'SIGTERM',
    segments: [
      { kind: 'running', from: T + 100, to: T + 130 },
      { kind: 'zombie', from: T + 130, to: T + 140 },
    ],
    waits: [],
    threads: [],
    tasks: [],
    marks: [{ kind: 'signal', time: T + 110, signal: 'SIGTERM', by: 100 }],
    exit: { time: T + 130, code: -15, signal: 'SIGTERM' },
  });
});

test('§8: each join() is a stretch with an arrow to the child it waits for, and a zombie waits to be collected', () => {
  const { run, records } = joinAllRun();
  const data = buildTimeline(run, records, T + 9999);
  assert.deepEqual(
    data.lanes.map((l) => l.key),
    ['r:100', 'r:101', 'r:102', 'r:103', 'r:104', 'r:102:old'],
    'parent first, its children in the order they started',
  );
  const [mainLane] = data.lanes;
  assert.deepEqual(
    mainLane.segments.map((s) => [s.kind, s.from - T, s.to - T, s.target]),
    [
      ['running', 0, 150, undefined],
      ['joining', 150, 3101, 'r:101'],
      ['joining', 3101, 3102, 'r:102'],
      ['joining', 3102, 3103, 'r:103'],
      ['joining', 3103, 3104, 'r:104'],
      ['running', 3104, 3200, undefined],
    ],
  );
  assert.equal(mainLane.segments[4].timeout, 1);
  const second = data.lanes.find((l) => l.key === 'r:102')!;
  assert.deepEqual(second.segments.map((s) => [s.kind, s.from - T, s.to - T]), [['running', 2, 3050], ['zombie', 3050, 3102]]);
  const old = data.lanes.find((l) => l.key === 'r:102:old')!;
  assert.deepEqual(old.segments.map((s) => s.kind), ['running'], 'no reaped time known: no zombie stretch');
});

test('a live run: open stretches end at now, marked open, and the run ends at now', () => {
  const now = T + 5000;
  const records = [
    main({ state: 'joining', endedAt: undefined, exitCode: undefined, joiningPid: 101, joins: [{ childPid: 101, timeout: null, enteredAt: T + 200 }] }),
    record(101, { state: 'running', parentKey: 'r:100', startedAt: T + 100 }),
    record(102, { state: 'zombie', parentKey: 'r:100', startedAt: T + 110, endedAt: T + 4000, exitCode: 0 }),
  ];
  const data = buildTimeline(run({ state: 'live', endedAt: undefined }), records, now);
  assert.deepEqual([data.end, data.live], [now, true]);
  const [mainLane, running, zombie] = data.lanes;
  assert.deepEqual(mainLane.segments.at(-1), { kind: 'joining', from: T + 200, to: now, target: 'r:101', timeout: null, open: true });
  assert.deepEqual(running.segments, [{ kind: 'running', from: T + 100, to: now, open: true }]);
  assert.equal(running.exit, undefined);
  assert.deepEqual(zombie.segments, [
    { kind: 'running', from: T + 110, to: T + 4000 },
    { kind: 'zombie', from: T + 4000, to: now, open: true },
  ]);
  assert.deepEqual(zombie.exit, { time: T + 4000, code: 0, signal: undefined });
});

test('a child whose code returned is drawn exiting until the OS saw it end, then zombie until collected', () => {
  const lingering = record(101, { parentKey: 'r:100', startedAt: T + 100, codeReturnedAt: T + 600, endedAt: T + 3600, reapedAt: T + 3700, exitCode: 0 });
  const data = buildTimeline(run(), [main(), lingering], T + 9999);
  assert.deepEqual(data.lanes[1].segments.map((s) => [s.kind, s.from - T, s.to - T]), [
    ['running', 100, 600],
    ['exiting', 600, 3600],
    ['zombie', 3600, 3700],
  ]);
});

test('a join still open when its process died ends with it', () => {
  const records = [main({ joins: [{ childPid: 101, timeout: null, enteredAt: T + 1000 }] })];
  const data = buildTimeline(run(), records, T + 9999);
  assert.deepEqual(data.lanes[0].segments.at(-1), { kind: 'joining', from: T + 1000, to: T + 1500, target: undefined, timeout: null });
});

test('the view carries every word, through the translator: exit codes, marks, legend', () => {
  const { run, records } = terminateRun();
  const calls: string[] = [];
  const t = (message: string, ...args: Array<string | number | boolean>) => {
    calls.push(message);
    return plainText(message, ...args);
  };
  const view = presentTimeline(run, records, T + 9999, 's09_terminate_is_alive.py', t);
  assert.equal(view.title, 's09_terminate_is_alive.py · exited 0');
  const egon = view.lanes[1];
  assert.equal(egon.exitText, '\u221215 SIGTERM');
  assert.equal(view.lanes[0].exitText, '0');
  assert.equal(egon.pidText, 'PID 101');
  assert.equal(egon.label, 'egon, PID 101 · exited \u221215 (SIGTERM)');
  assert.match(egon.marks[0].title, /^SIGTERM asked for by MainProcess \(PID 100\) at /);
  assert.match(egon.exitTitle!, /^exited \u221215 \(SIGTERM\) · /);
  assert.match(egon.segments[1].title, /^zombie \(not joined\) · .* \(10 ms\)$/);
  assert.ok(calls.includes('blocked in join()') && calls.includes('terminate or kill asked for'));
});

test('axis ticks fall on round steps, ten at most', () => {
  assert.deepEqual(axisTicks(T, T + 3200).map((tick) => tick.label), ['0', '500 ms', '1.0 s', '1.5 s', '2.0 s', '2.5 s', '3.0 s']);
  assert.ok(axisTicks(T, T + 7_200_000).length <= 11);
});
