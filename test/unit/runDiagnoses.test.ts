import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DIAGNOSIS_AFTER_MS } from '../../src/core/diagnosis/deadlocks';
import { diagnosisId, RunDiagnoses } from '../../src/vscode/views/runDiagnoses';
import { modelWithRun, snapshot, startEvent } from './modelFixtures';

// The deadlock rows of the tree: which process shows one, and when the tree is told it changed.

/** stuck_lock.py, as the tracer tells it: MainProcess joins Process-1, which waits for the lock. */
function stuckLock() {
  const fixture = modelWithRun();
  const { apply, model } = fixture;
  const hello = (pid: number, ppid: number, tid: number) =>
    apply({ kind: 'hello', pid, time: 0, ppid, executable: 'python3', argv: ['main.py'], pythonVersion: '3.12.1', thread: { tid, nativeId: pid, name: 'MainThread' } });
  hello(100, 1, 0xa);
  apply(startEvent(100, 101, 'Process-1'));
  hello(101, 100, 0xb);
  model.applyScan([snapshot(100, 1, { threadCount: 1 }), snapshot(101, 100, { threadCount: 1 })]);
  apply({ kind: 'join', pid: 100, time: 1_000, child: 101, phase: 'enter', timeout: null, code: null });
  apply({ kind: 'wait', pid: 101, time: 1_000, tid: 0xb, wait: 'lock', call: 'Lock.acquire', on: null, timeout: null, site: { file: '/x/stuck_lock.py', line: 17 }, bytes: null });
  return fixture;
}

test('a deadlock appears on its process once it has lasted, and the change is told once', () => {
  const { model } = stuckLock();
  const diagnoses = new RunDiagnoses(model);
  const main = model.find('r', 100)!;
  assert.deepEqual(diagnoses.update(1_000 + DIAGNOSIS_AFTER_MS - 1), [], 'a wait of less than a second is how programs work');
  assert.deepEqual(diagnoses.of(main), []);
  assert.deepEqual(diagnoses.update(1_000 + DIAGNOSIS_AFTER_MS), [main], 'now it is a deadlock, shown on MainProcess');
  assert.deepEqual(diagnoses.of(main).map(diagnosisId), ['wait-cycle:100,101']);
  assert.deepEqual(diagnoses.update(60_000), [], 'the same deadlock a minute later: nothing to redraw');
  assert.equal(diagnoses.nameOf('r')(101), 'Process-1 (PID 101)');
});

test('when the wait ends, the deadlock goes, and its row with it', () => {
  const { model, apply } = stuckLock();
  const diagnoses = new RunDiagnoses(model);
  const main = model.find('r', 100)!;
  diagnoses.update(5_000);
  apply({ kind: 'woke', pid: 101, time: 5_100, tid: 0xb });
  assert.deepEqual(diagnoses.update(5_200), [main]);
  assert.deepEqual(diagnoses.of(main), []);
});

test('a finished run has no deadlock', () => {
  const { model, advance } = stuckLock();
  const diagnoses = new RunDiagnoses(model);
  diagnoses.update(5_000);
  advance(5_000);
  model.programExited('r', -15);
  model.applyScan([]);
  model.settleRun('r');
  assert.equal(model.run('r')!.state, 'finished');
  assert.deepEqual(diagnoses.update(6_000).map((r) => r.pid), [100]);
  assert.deepEqual(diagnoses.of(model.find('r', 100)!), []);
});
