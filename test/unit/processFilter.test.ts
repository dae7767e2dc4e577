import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeFilter, matchesFilter, parseFilter } from '../../src/core/filter/processFilter';
import { recentChange } from '../../src/core/model/recentChange';
import { modelWithRun, snapshot, startEvent } from './modelFixtures';

function lessonRun() {
  const { model, apply } = modelWithRun();
  apply({ kind: 'hello', pid: 100, ppid: 1, time: 1, executable: 'python3', argv: ['python3', 'server.py'], pythonVersion: '3.11.7' });
  apply(startEvent(100, 101, 'Piao-1'));
  apply(startEvent(100, 4711, 'egon', true));
  apply({ kind: 'exit', pid: 101, time: 5, code: 0 });
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { zombie: true, waitStatus: 0 }), snapshot(4711, 100)]);
  const names = (filter: ReturnType<typeof parseFilter>) =>
    model.processesOf('r').filter((r) => matchesFilter(r, filter ?? {})).map((r) => r.name);
  return { model, apply, names };
}

test('a state word filters by state; anything else by name, command line or PID prefix', () => {
  const { names } = lessonRun();
  assert.deepEqual(names(parseFilter('daemon')), ['egon']);
  assert.deepEqual(names(parseFilter('zombie')), ['Piao-1']);
  assert.deepEqual(names(parseFilter('alive')), ['MainProcess', 'egon']);
  assert.deepEqual(names(parseFilter('piao')), ['Piao-1']);
  assert.deepEqual(names(parseFilter('server.py')), ['MainProcess']);
  assert.deepEqual(names(parseFilter('47')), ['egon']);
  assert.deepEqual(names(parseFilter('alive egon')), ['egon']);
  assert.equal(parseFilter('   '), undefined);
});

test('the view says what is filtered', () => {
  assert.equal(describeFilter({ state: 'alive', text: 'egon' }), 'Filter: alive only · “egon”');
  assert.equal(describeFilter({ state: 'zombie' }), 'Filter: zombies');
});

test('a process is highlighted for a moment after it starts and after it ends, then not', () => {
  const { model, apply, advance } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1'));
  const child = model.find('r', 101)!;
  const started = child.startedAt!;
  assert.equal(recentChange(child, started + 100), 'started');
  assert.equal(recentChange(child, started + 5000), undefined);
  apply({ kind: 'exit', pid: 101, time: started + 5900, code: 0 });
  assert.equal(recentChange(child, started + 6000), undefined, 'exiting: it still runs');
  advance(started + 6000);
  model.applyScan([snapshot(100, 1), snapshot(101, 100, { zombie: true, waitStatus: 0 })]);
  assert.equal(recentChange(child, started + 6100), 'exited', 'a zombie has just ended too');
  assert.equal(recentChange(child, started + 10000), undefined);
});
