import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { StartEvent } from '../../src/core/protocol/tracerEvents';
import { ProcessSnapshot } from '../../src/core/scan/processSnapshot';
import { modelWithRun, settle, snapshot, startEvent } from './modelFixtures';

// The run's program (pid 100) started at T in the fake OS, just before the tracer's first news
// (startEvent's time); a process is ours only if the OS shows it inside the run. Each test names
// what the tracer claims and what the OS shows.
const T = 0;
const top = snapshot(100, 1, { sessionId: 100, startTime: T });

function runWithOs(os: Map<number, ProcessSnapshot | undefined>) {
  const fixture = modelWithRun(100, os);
  // Confirm the program against the fake OS's start time, as the tracker does at launch.
  fixture.model.processesOf('r')[0].osStartTime = T;
  const refuted: number[] = [];
  fixture.model.on('refuted', (_run, pid) => refuted.push(pid));
  const sent: number[] = [];
  const control = new ProcessControl(fixture.model, {
    identify: async (pid) => os.get(pid)?.identity ?? (pid === 100 ? top.identity : undefined),
    scan: async () => undefined,
    kill: (pid) => sent.push(pid),
  });
  return { ...fixture, refuted, sent, control };
}

test('a claimed pid the OS shows started before the run is refuted at first sight and never signalled', async () => {
  const foreign = snapshot(4242, 1, { sessionId: 4000, startTime: T - 60_000, name: 'sleep' });
  const { model, apply, refuted, sent, control } = runWithOs(new Map([[4242, foreign]]));
  apply(startEvent(100, 4242, 'Process-1'));
  assert.ok(model.find('r', 4242), 'shown while the OS is asked');
  await settle();
  assert.equal(model.find('r', 4242), undefined, 'the false claim is gone');
  assert.deepEqual(refuted, [4242]);
  await control.stopRun('r', 0);
  assert.deepEqual([...new Set(sent)], [100], 'Stop Run signalled only the program');
});

test('a claimed pid outside the run started later stays unconfirmed, then the scan refutes it', async () => {
  const stranger = snapshot(4343, 1, { sessionId: 4300, startTime: T + 500, name: 'sleep' });
  const { model, apply, refuted, control, sent } = runWithOs(new Map([[4343, stranger]]));
  apply({ kind: 'hello', pid: 4343, ppid: 1, time: T + 600, executable: 'p', argv: ['p', 'x.py'], pythonVersion: '3.11.7' });
  await settle();
  const record = model.find('r', 4343)!;
  assert.equal(record.identity, undefined, 'not confirmed: neither a descendant nor in the session');
  assert.equal((await control.signal(record, 'SIGTERM')).outcome, 'unconfirmed');
  assert.deepEqual(sent, []);
  model.applyScan([top, stranger]);
  assert.equal(model.find('r', 4343), undefined);
  assert.deepEqual(refuted, [4343]);
});

test('a child the OS shows under a confirmed member is confirmed at first sight, with the identity read then', async () => {
  const child = snapshot(101, 100, { sessionId: 100, startTime: T + 10, identity: 'ticks-101' });
  const os = new Map<number, ProcessSnapshot | undefined>([[101, child]]);
  const { model, apply } = runWithOs(os);
  apply(startEvent(100, 101, 'Process-1'));
  await settle();
  assert.equal(model.find('r', 101)!.identity, 'ticks-101');
  // Later the pid names someone else: the record keeps the identity it was confirmed with.
  os.set(101, snapshot(101, 1, { identity: 'ticks-later', startTime: T + 9000 }));
  model.applyScan([top]);
  assert.equal(model.find('r', 101)!.identity, 'ticks-101');
  assert.equal(model.find('r', 101)!.state, 'zombie', 'gone from the OS, not yet joined by its Python parent');
});

test('a process gone before the OS was asked stays unconfirmed: shown from the tracer, never signalled', async () => {
  const { model, apply, control, sent } = runWithOs(new Map([[101, undefined]]));
  apply(startEvent(100, 101, 'Process-1'));
  await settle();
  const record = model.find('r', 101)!;
  assert.equal(record.identity, undefined);
  assert.equal((await control.signal(record, 'SIGKILL')).outcome, 'unconfirmed');
  assert.deepEqual(sent, []);
  apply({ kind: 'reaped', pid: 100, time: T + 900, child: 101, code: 3 });
  assert.deepEqual([record.state, record.exitCode], ['exited', 3]);
});

test('the scan confirms a process the first look-up could not, when it finds it inside the run', async () => {
  // A grandchild in another session (it called setsid) whose parent was not yet confirmed at first sight.
  const parent = snapshot(101, 100, { sessionId: 100, startTime: T + 10 });
  const grandchild = snapshot(102, 101, { sessionId: 102, startTime: T + 20 });
  const { model, apply } = runWithOs(new Map([[101, undefined], [102, grandchild]]));
  apply(startEvent(100, 101, 'Process-1'));
  apply(startEvent(101, 102, 'Process-1:1'));
  await settle();
  assert.equal(model.find('r', 102)!.identity, undefined);
  model.applyScan([top, parent, grandchild]);
  assert.equal(model.find('r', 101)!.identity, parent.identity);
  assert.equal(model.find('r', 102)!.identity, grandchild.identity);
  assert.equal(model.processesOf('r').length, 3, 'one record per process');
});

test('an exiting child can still be terminated; the OS, not the tracer, says when it ended', async () => {
  const child = snapshot(101, 100, { sessionId: 100, startTime: T + 10 });
  const { model, apply, control, sent } = runWithOs(new Map([[101, child]]));
  apply(startEvent(100, 101, 'Process-1'));
  await settle();
  apply({ kind: 'exit', pid: 101, time: T + 100, code: 0 });
  const record = model.find('r', 101)!;
  assert.equal(record.state, 'exiting');
  model.applyScan([top, child]);
  assert.equal(record.state, 'exiting', 'the OS still shows it running');
  assert.equal((await control.signal(record, 'SIGTERM')).outcome, 'sent');
  assert.deepEqual(sent, [101]);
  model.applyScan([top, { ...child, zombie: true, waitStatus: 15 }]);
  assert.deepEqual([record.state, record.exitCode, record.signal], ['zombie', -15, 'SIGTERM']);
});

test('a fork server child the OS started over a second after start() was stamped is the one its parent spoke of: one record', async () => {
  // start() is stamped before the child exists; under load the fork server forked it 1.2 s
  // later, and the report came once start() had returned (the model heard of it at T + 1.3 s).
  const server = snapshot(150, 100, { sessionId: 100, startTime: T + 5 });
  const child = snapshot(4545, 150, { sessionId: 100, startTime: T + 1200, identity: 'ticks-4545' });
  const { model, apply, advance } = runWithOs(new Map([[4545, child]]));
  model.applyScan([top, server]);
  advance(1300);
  apply({ ...(startEvent(100, 4545, 'egon') as StartEvent), time: T, method: 'forkserver' });
  await settle();
  assert.equal(model.find('r', 4545)!.identity, 'ticks-4545', 'confirmed at first sight');
  model.applyScan([top, server, child]);
  assert.deepEqual(
    model.processesOf('r').filter((r) => r.pid === 4545).map((r) => [r.name, r.kind]),
    [['egon', 'mp-child']],
    'one record per process',
  );
});

test('a pid the OS started after the model heard of it is still someone else', async () => {
  const later = snapshot(4646, 100, { sessionId: 100, startTime: T + 2500 });
  const { model, apply, advance } = runWithOs(new Map([[4646, later]]));
  advance(1300);
  apply({ ...(startEvent(100, 4646, 'egon') as StartEvent), time: T, method: 'forkserver' });
  await settle();
  assert.equal(model.find('r', 4646)!.identity, undefined, 'not confirmed: started 1.2 s after the report');
});

test('a child that ended before the OS was asked about it, then listed by a scan read before its end: one record', async () => {
  const { model, apply } = runWithOs(new Map([[101, undefined]]));
  apply(startEvent(100, 101, 'Process-1'));
  await settle();
  apply({ kind: 'reaped', pid: 100, time: T + 300, child: 101, code: 0 });
  model.applyScan([top, snapshot(101, 100, { sessionId: 100, startTime: T + 10 })], T + 200);
  assert.deepEqual(
    model.processesOf('r').filter((r) => r.pid === 101).map((r) => [r.name, r.kind, r.exitCode]),
    [['Process-1', 'mp-child', 0]],
  );
});

test('records a scan could not have seen are not judged by it', () => {
  const { model, apply, advance } = runWithOs(new Map());
  const takenAt = 0;
  advance(5);
  apply(startEvent(100, 101, 'Process-1'));
  model.applyScan([top], takenAt);
  assert.equal(model.find('r', 101)!.state, 'running', 'started after the listing was read');
  model.applyScan([top]);
  assert.equal(model.find('r', 101)!.state, 'zombie', 'gone from the OS, not yet joined by its Python parent');
});

test('in a terminal, the session is its launcher’s: the program’s children in it are members, the launcher never is', async () => {
  // The launcher (pid 99) leads session 99 and started the program (pid 100) in the same clock tick.
  const launcher = snapshot(99, 1, { sessionId: 99, startTime: T, name: 'python3' });
  const program = snapshot(100, 99, { sessionId: 99, startTime: T });
  // Left behind by the program, reparented to init: only its session says it is the run's.
  const orphan = snapshot(300, 1, { sessionId: 99, startTime: T + 20, name: 'sleep' });
  const { model, control, sent } = runWithOs(new Map([[99, launcher], [300, orphan]]));
  model.run('r')!.sessionLeader = 99;
  model.applyScan([launcher, program, orphan]);
  await settle();
  assert.deepEqual(model.processesOf('r').map((p) => p.pid).sort(), [100, 300]);
  await control.stopRun('r', 0);
  assert.deepEqual([...new Set(sent)].sort(), [100, 300], 'Stop Run never signals the launcher');
});
