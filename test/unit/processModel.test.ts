import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ModelChange, ProcessModel } from '../../src/core/model/processModel';
import { TracerEvent } from '../../src/core/protocol/tracerEvents';
import { buildProcessTree } from '../../src/core/model/processTree';
import { modelWithRun, settle, snapshot, startEvent } from './modelFixtures';

test('multiprocessing children hang under the process that started them, with their Python names', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 1, executable: 'python3', argv: ['python3', 'main.py'], pythonVersion: '3.11.7' });
  for (const [i, pid] of [101, 102, 103, 104].entries()) {
    apply(startEvent(100, pid, `Process-${i + 1}`));
  }
  const [root] = buildProcessTree(model.processesOf('r'));
  assert.equal(root.record.name, 'MainProcess');
  assert.equal(root.record.kind, 'program');
  assert.deepEqual(root.children.map((c) => c.record.name), ['Process-1', 'Process-2', 'Process-3', 'Process-4']);
  assert.deepEqual(root.children.map((c) => c.record.startMethod), ['fork', 'fork', 'fork', 'fork']);
});

test('under fork the child reports its own start with the call site; its parent\'s later report keeps it, in either order', () => {
  const fromChild = startEvent(100, 101, 'Process-1') as Extract<TracerEvent, { kind: 'start' }>;
  const fromParent: TracerEvent = { ...fromChild, site: null };
  for (const order of [[fromChild, fromParent], [fromParent, fromChild]]) {
    const { model, apply } = modelWithRun();
    order.forEach(apply);
    const records = model.processesOf('r').filter((r) => r.pid === 101);
    assert.equal(records.length, 1, 'one record per process');
    assert.deepEqual(records[0].startSite, { file: '/x/main.py', line: 12 });
    assert.deepEqual(records[0].target, { name: 'piao', file: '/x/main.py', line: 4 });
  }
});

test('a child that finished is exiting, a zombie once the OS says so, then exited with the collected code', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1'));
  apply({ kind: 'exit', pid: 101, time: 5, code: 0 });
  const child = model.find('r', 101)!;
  assert.deepEqual([child.state, child.exitCode, child.reportedExitCode], ['exiting', undefined, 0]);
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { zombie: true, waitStatus: 0 })]);
  assert.deepEqual([child.state, child.exitCode], ['zombie', 0]);
  apply({ kind: 'join', pid: 100, time: 6, child: 101, phase: 'enter', timeout: null, code: null });
  assert.equal(model.find('r', 100)!.state, 'joining');
  assert.equal(model.find('r', 100)!.joiningPid, 101);
  apply({ kind: 'reaped', pid: 100, time: 7, child: 101, code: 0 });
  apply({ kind: 'join', pid: 100, time: 7, child: 101, phase: 'leave', timeout: null, code: 0 });
  assert.equal(child.state, 'exited');
  assert.equal(child.exitCode, 0);
  assert.equal(model.find('r', 100)!.state, 'running');
  // Kept for the timeline: the blocked stretch and when the exit code was collected.
  assert.deepEqual(model.find('r', 100)!.joins, [{ childPid: 101, timeout: null, enteredAt: 6, leftAt: 7 }]);
  assert.equal(child.reapedAt, 7);
});

test('join(1) that times out and a later join() are two spans, the first closed, the second open', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'egon'));
  apply({ kind: 'join', pid: 100, time: 10, child: 101, phase: 'enter', timeout: 1, code: null });
  apply({ kind: 'join', pid: 100, time: 1010, child: 101, phase: 'leave', timeout: 1, code: null });
  apply({ kind: 'join', pid: 100, time: 1500, child: 101, phase: 'enter', timeout: null, code: null });
  const parent = model.find('r', 100)!;
  assert.deepEqual(parent.joins, [
    { childPid: 101, timeout: 1, enteredAt: 10, leftAt: 1010 },
    { childPid: 101, timeout: null, enteredAt: 1500 },
  ]);
  assert.equal(parent.state, 'joining');
});

test('terminate: the code the parent collects (−15) wins, and names SIGTERM', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1'));
  apply({ kind: 'signal', pid: 100, time: 5, child: 101, signal: 'SIGTERM' });
  apply({ kind: 'reaped', pid: 100, time: 6, child: 101, code: -15 });
  const child = model.find('r', 101)!;
  assert.deepEqual([child.state, child.exitCode, child.signal], ['exited', -15, 'SIGTERM']);
  assert.equal(child.signalsRequested[0].by, 100);
});

test('the OS scan shows an unjoined, signalled child as a zombie with its wait status', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1'));
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { zombie: true, waitStatus: 15 })]);
  const child = model.find('r', 101)!;
  assert.deepEqual([child.state, child.exitCode, child.signal], ['zombie', -15, 'SIGTERM']);
});

test('non-Python children appear through the scan, under their parent, also when found before it', () => {
  const { model } = modelWithRun();
  // 201 (sleep) is listed before its parent 200, which is new too: both come through the session.
  model.applyScan([snapshot(201, 200, { name: 'sleep' }), snapshot(100, 1), snapshot(200, 100, { name: 'bash' })]);
  const [root] = buildProcessTree(model.processesOf('r'));
  assert.equal(root.children[0].record.name, 'bash');
  assert.equal(root.children[0].children[0].record.name, 'sleep');
  assert.equal(root.children[0].children[0].record.kind, 'native');
});

test('a process outside the session is found through its parent (it called setsid)', () => {
  const { model } = modelWithRun();
  model.applyScan([snapshot(100, 1), snapshot(300, 100, { sessionId: 300, name: 'daemonized' })]);
  assert.equal(model.find('r', 300)?.name, 'daemonized');
  model.applyScan([snapshot(100, 1), snapshot(300, 1, { sessionId: 300, name: 'daemonized' })]);
  assert.equal(model.find('r', 300)?.state, 'running', 'still followed after re-parenting to init');
  model.applyScan([snapshot(100, 1)]);
  assert.equal(model.find('r', 300)?.state, 'exited');
});

test('a child whose parent died is an orphan, still drawn under its original parent', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Process-1'));
  apply(startEvent(101, 102, 'Process-1:1'));
  model.applyScan([snapshot(100, 1), snapshot(101, 100), snapshot(102, 101)]);
  model.applyScan([snapshot(100, 1), snapshot(102, 1)]);
  const grandchild = model.find('r', 102)!;
  assert.equal(grandchild.orphan, true);
  assert.equal(grandchild.ppid, 1);
  assert.equal(grandchild.originalPpid, 101);
  const [root] = buildProcessTree(model.processesOf('r'));
  assert.equal(root.children[0].children[0].record.pid, 102);
});

test('a reused pid becomes a new record; the old one stays exited', async () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Process-1'));
  apply({ kind: 'reaped', pid: 100, time: 9, child: 101, code: 0 });
  await settle();
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { identity: 'someone-else', name: 'sleep' })]);
  const records = model.processesOf('r').filter((r) => r.pid === 101);
  assert.equal(records.length, 2);
  assert.equal(records[0].state, 'exited');
  assert.equal(records[1].name, 'sleep');
});

test('forkserver: a child the OS already reaped stays a zombie until Python joins it', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 150, ppid: 100, time: 1, executable: 'p', argv: ['p', '-c', 'from multiprocessing.forkserver import main; main()'], pythonVersion: '3.13.0' });
  apply(startEvent(100, 151, 'Process-1'));
  apply({ kind: 'exit', pid: 151, time: 3, code: 0 });
  model.applyScan([snapshot(100, 1), snapshot(150, 100)]);
  assert.equal(model.find('r', 150)!.kind, 'helper');
  assert.equal(model.find('r', 150)!.name, 'forkserver');
  assert.equal(model.find('r', 151)!.state, 'zombie');
  apply({ kind: 'reaped', pid: 100, time: 4, child: 151, code: 0 });
  assert.equal(model.find('r', 151)!.state, 'exited');
});

test('when the program exits, its unjoined zombies are gone too and the run settles after the last process', () => {
  const { model, apply, advance } = modelWithRun();
  apply(startEvent(100, 101, 'Process-1'));
  apply(startEvent(100, 102, 'Process-2'));
  apply({ kind: 'exit', pid: 101, time: 3, code: 0 });
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { zombie: true, waitStatus: 0 }), snapshot(102, 100)]);
  model.programExited('r', 0);
  assert.equal(model.find('r', 101)!.state, 'exited');
  assert.equal(model.find('r', 102)!.orphan, false, 'not yet seen to outlive its parent');
  advance(10);
  model.applyScan([snapshot(102, 1)]);
  assert.equal(model.find('r', 102)!.orphan, true, 'a listing after the program ended still shows it');
  assert.equal(model.settleRun('r'), false, 'Process-2 is still alive');
  model.applyScan([]);
  assert.equal(model.settleRun('r'), true);
  assert.equal(model.run('r')!.state, 'finished');
});

test('a burst of changes is one notification', async () => {
  const { model, apply } = modelWithRun();
  const changes: ModelChange[] = [];
  model.on('change', (c) => changes.push(c));
  await new Promise((resolve) => setTimeout(resolve, 5));
  changes.length = 0;
  for (let pid = 101; pid < 301; pid++) {
    apply(startEvent(100, pid, `Process-${pid}`));
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(changes.length, 1);
  assert.equal(changes[0].processes.length, 200);
});

test('renames keep the former names; clearExited forgets exited processes only', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Process-1'));
  apply(startEvent(100, 102, 'Process-2'));
  apply({ kind: 'rename', pid: 100, time: 2, child: 101, name: 'worker' });
  assert.deepEqual([model.find('r', 101)!.name, model.find('r', 101)!.formerNames], ['worker', ['Process-1']]);
  apply({ kind: 'reaped', pid: 100, time: 3, child: 102, code: 0 });
  model.clearExited();
  assert.deepEqual(model.processesOf('r').map((r) => r.pid), [100, 101]);
});

test('an exit code that arrives after the scan saw the process go is still recorded', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 101, ppid: 100, time: 1, executable: 'p', argv: ['p', '-c', 'spawn_main()'], pythonVersion: '3.13.0' });
  model.applyScan([snapshot(100, 1)]);
  assert.deepEqual([model.find('r', 101)!.state, model.find('r', 101)!.exitCode], ['exited', null]);
  apply({ kind: 'reaped', pid: 100, time: 2, child: 101, code: -15 });
  assert.deepEqual([model.find('r', 101)!.exitCode, model.find('r', 101)!.signal], [-15, 'SIGTERM']);
});

test('a child the scan found first takes its start time from the tracer, whose clock is finer', () => {
  const { model, apply } = modelWithRun();
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { startTime: 50 })]);
  assert.equal(model.find('r', 101)!.startedAt, 50);
  apply(startEvent(100, 101, 'Process-1'));
  assert.equal(model.find('r', 101)!.startedAt, 100);
  assert.equal(model.find('r', 101)!.kind, 'mp-child');
});

test('exited records beyond the limit are forgotten, oldest first, but not a parent of something still shown', () => {
  let clock = 0;
  const model = new ProcessModel({ batchMs: 1, now: () => clock++, exitedLimit: 3 });
  model.addRun({ id: 'r', command: ['python3'], cwd: '/', startedAt: clock, state: 'live' });
  model.programStarted('r', 100, ['python3'], snapshot(100, 1, { sessionId: 100 }));
  const apply = (event: TracerEvent) => model.applyTracerEvent('r', event);
  apply(startEvent(100, 101, 'parent'));
  apply(startEvent(101, 102, 'child of parent'));
  apply({ kind: 'reaped', pid: 100, time: 2, child: 101, code: 0 });
  for (let pid = 201; pid <= 205; pid++) {
    apply(startEvent(100, pid, `P${pid}`));
    apply({ kind: 'reaped', pid: 100, time: 3, child: pid, code: 0 });
  }
  const names = model.processesOf('r').map((r) => r.name);
  assert.deepEqual(names, ['python3', 'parent', 'child of parent', 'P204', 'P205']);
});

test('a zombie still listed after its parent ended, re-parented to init, stays one record', () => {
  const { model } = modelWithRun();
  model.applyScan([snapshot(100, 1), snapshot(200, 100, { name: 'sleep' })]);
  model.applyScan([snapshot(100, 1, { zombie: true, waitStatus: 0 }), snapshot(200, 100, { name: 'sleep', zombie: true, waitStatus: 0 })]);
  model.programExited('r', 0);
  assert.equal(model.find('r', 200)!.state, 'exited', 'collected by init once its parent is gone');
  model.applyScan([snapshot(200, 1, { name: 'sleep', zombie: true, waitStatus: 0 })]);
  assert.deepEqual(model.processesOf('r').map((r) => [r.pid, r.state]), [[100, 'exited'], [200, 'exited']]);
});

test('a child gone between two scans together with its parent is no orphan: nobody saw it outlive the parent', () => {
  const { model } = modelWithRun();
  // The sleep left the session (setsid): found as the child of sh, so met after it.
  model.applyScan([snapshot(100, 1), snapshot(200, 100, { name: 'sh' }), snapshot(201, 200, { name: 'sleep', sessionId: 201 })]);
  model.applyScan([snapshot(100, 1)]);
  const byName = (name: string) => model.processesOf('r').find((r) => r.name === name)!;
  assert.deepEqual([byName('sh').state, byName('sh').orphan], ['exited', false]);
  assert.deepEqual([byName('sleep').state, byName('sleep').orphan], ['exited', false]);
});

test('os.fork() without multiprocessing: a Python child named after its parent, its exit code from waitpid()', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 1, executable: 'python3', argv: ['python3', 'main.py'], pythonVersion: '3.11.7' });
  apply({ kind: 'fork', pid: 100, time: 2, child: 101 });
  const child = model.find('r', 101)!;
  assert.deepEqual([child.name, child.kind, child.python, child.parentPid], ['fork of MainProcess', 'python', true, 100]);
  apply({ kind: 'reaped', pid: 100, time: 3, child: 101, code: 3 });
  assert.deepEqual([child.state, child.exitCode, child.orphan, child.reapedAt], ['exited', 3, false, 3]);
  assert.equal(model.processesOf('r').length, 2);
});

test('subprocess.Popen: the child is named after its program at once, and a Python one after its script once it says hello', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'popen', pid: 100, time: 2, child: 101, argv: ['/usr/bin/sleep', '30'] });
  apply({ kind: 'popen', pid: 100, time: 2, child: 102, argv: ['/usr/bin/python3', 'child.py'] });
  apply({ kind: 'hello', pid: 102, ppid: 100, time: 3, executable: 'python3', argv: ['/usr/bin/python3', 'child.py'], pythonVersion: '3.11.7' });
  assert.deepEqual([model.find('r', 101)!.name, model.find('r', 101)!.kind], ['sleep', 'native']);
  assert.deepEqual([model.find('r', 102)!.name, model.find('r', 102)!.kind], ['child.py', 'python']);
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { name: 'sleep' }), snapshot(102, 100)]);
  assert.equal(model.processesOf('r').length, 3, 'the scan finds the same two processes');
  apply({ kind: 'reaped', pid: 100, time: 4, child: 102, code: -9 });
  assert.deepEqual([model.find('r', 102)!.state, model.find('r', 102)!.signal], ['exited', 'SIGKILL']);
});

test('a child the fork server reaped is a zombie to Python until its parent joins it, with the code the fork server saw', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 150, ppid: 100, time: 1, executable: 'p', argv: ['p', '-c', 'from multiprocessing.forkserver import main; main()'], pythonVersion: '3.13.0' });
  apply(startEvent(100, 151, 'Process-1'));
  apply({ kind: 'reaped', pid: 150, time: 5, child: 151, code: -15 });
  const child = model.find('r', 151)!;
  assert.deepEqual([child.state, child.exitCode, child.signal], ['zombie', -15, 'SIGTERM']);
  apply({ kind: 'reaped', pid: 100, time: 6, child: 151, code: -15 });
  assert.deepEqual([child.state, child.reapedAt], ['exited', 6]);
});

test('forkserver on a busy machine: a start stamped long before the fork server forked is still about the same process', () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 150, ppid: 100, time: 1, executable: 'p', argv: ['p', '-c', 'from multiprocessing.forkserver import main; main()'], pythonVersion: '3.13.0' });
  // The child booted (and a scan saw it) 1.6 s after its parent stamped start(): its report comes last.
  apply({ kind: 'boot', pid: 151, time: 1_700, ppid: 150, name: 'Piao-1', daemon: false });
  model.applyScan([snapshot(100, 1), snapshot(150, 100), snapshot(151, 150, { startTime: 1_650 })], 1_800);
  apply({ kind: 'start', pid: 100, time: 100, child: 151, name: 'Piao-1', daemon: false, method: 'forkserver', target: null, site: null });
  const records = model.processesOf('r').filter((r) => r.pid === 151);
  assert.equal(records.length, 1, 'one record');
  assert.deepEqual([records[0].name, records[0].startMethod, records[0].parentPid], ['Piao-1', 'forkserver', 100]);
});

test('forkserver: 255 from a parent that could not read the fork server (killed first) is not taken for the exit code', () => {
  // multiprocessing/popen_forkserver.py, Popen.poll: when the fork server cannot be read, returncode = 255.
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 150, ppid: 100, time: 1, executable: 'p', argv: ['p', '-c', 'from multiprocessing.forkserver import main; main()'], pythonVersion: '3.13.0' });
  const forkserverStart = (child: number, name: string) => ({ ...startEvent(100, child, name), method: 'forkserver' });
  apply(forkserverStart(151, 'Process-1'));
  apply(forkserverStart(152, 'Process-2'));
  apply(forkserverStart(153, 'Process-3'));
  // Process-1: the fork server saw it end by SIGTERM, then died before telling the parent.
  apply({ kind: 'reaped', pid: 150, time: 5, child: 151, code: -15 });
  apply({ kind: 'reaped', pid: 100, time: 6, child: 151, code: 255 });
  // Process-2: nothing else saw its end.
  apply({ kind: 'reaped', pid: 100, time: 6, child: 152, code: 255 });
  // Process-3 really exited 255: it said so itself.
  apply({ kind: 'exit', pid: 153, time: 5, code: 255 });
  apply({ kind: 'reaped', pid: 100, time: 6, child: 153, code: 255 });
  const [first, second, third] = [151, 152, 153].map((pid) => model.find('r', pid)!);
  assert.deepEqual([first.state, first.exitCode, first.signal], ['exited', -15, 'SIGTERM']);
  assert.deepEqual([second.state, second.exitCode], ['exited', null], 'unknown, not 255');
  assert.deepEqual([third.state, third.exitCode], ['exited', 255]);
});

test("a process's threads and waits: named at hello and start, blocked until woken, all ended with the process", async () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 10, executable: 'python3', argv: ['main.py'], pythonVersion: '3.13.0', thread: { tid: 1, nativeId: 100, name: 'MainThread' }, stackSignal: 63 });
  apply({ kind: 'thread', pid: 100, time: 20, tid: 2, nativeId: 101, name: 'Reader', daemon: true, target: null });
  apply({ kind: 'wait', pid: 100, time: 30, tid: 2, wait: 'queue-get', call: 'Queue.get', on: null, timeout: null, site: { file: '/x/main.py', line: 7 }, bytes: null });
  apply({ kind: 'wait', pid: 100, time: 40, tid: 1, wait: 'thread-join', call: 'Thread.join', on: 'Reader', timeout: null, site: null, bytes: null });
  await settle();
  const top = model.find('r', 100)!;
  assert.equal(top.stackSignal, 63);
  assert.deepEqual(top.threads.map((t) => [t.name, t.main, t.daemon, t.waiting?.call]), [['MainThread', true, false, 'Thread.join'], ['Reader', false, true, 'Queue.get']]);
  apply({ kind: 'woke', pid: 100, time: 50, tid: 2 });
  apply({ kind: 'thread-end', pid: 100, time: 51, tid: 2, name: 'Reader' });
  apply({ kind: 'woke', pid: 100, time: 52, tid: 1 });
  assert.deepEqual(top.waits.map((w) => [w.call, w.enteredAt, w.leftAt]), [['Queue.get', 30, 50], ['Thread.join', 40, 52]]);
  assert.deepEqual(top.threads.map((t) => [t.endedAt, t.waiting]), [[undefined, undefined], [51, undefined]]);
  apply({ kind: 'wait', pid: 100, time: 60, tid: 1, wait: 'lock', call: 'Lock.acquire', on: null, timeout: null, site: null, bytes: null });
  apply({ kind: 'stacks', pid: 100, time: 61, stackSignal: null });
  assert.equal(top.stackSignal, null, 'the program took the signal: no more asking');
  model.applyScan([], 100);
  await settle();
  assert.equal(top.state, 'exited');
  assert.notEqual(top.endedAt, undefined);
  assert.deepEqual(top.threads.map((t) => [t.endedAt, t.waiting]), [[top.endedAt, undefined], [51, undefined]]);
  assert.equal(top.waits.at(-1)!.leftAt, top.endedAt, 'an open wait ends with its process');
});

test("a child's rename heard before its parent's report of the start is kept", async () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'boot', pid: 101, time: 100, ppid: 100, name: 'Worker-2', daemon: false });
  apply({ kind: 'rename', pid: 101, time: 101, child: 101, name: 'worker B' });
  apply(startEvent(100, 101, 'Worker-2'));
  await settle();
  const child = model.find('r', 101)!;
  assert.deepEqual([child.name, child.formerNames], ['worker B', ['Worker-2']]);
});

test("an os.fork() child whose own hello comes before its parent's fork report is still named a fork of its parent", async () => {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 10, executable: 'python3', argv: ['main.py'], pythonVersion: '3.13.0' });
  apply({ kind: 'hello', pid: 101, ppid: 100, time: 20, executable: 'python3', argv: ['main.py'], pythonVersion: '3.13.0' });
  apply({ kind: 'fork', pid: 100, time: 19, child: 101 });
  await settle();
  const child = model.find('r', 101)!;
  assert.deepEqual([child.name, child.kind, model.processesOf('r').filter((r) => r.pid === 101).length], ['fork of MainProcess', 'python', 1]);
});
