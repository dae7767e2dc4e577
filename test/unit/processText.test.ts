import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { processDescription, runStateText } from '../../src/core/present/processText';
import { modelWithRun, snapshot, startEvent } from './modelFixtures';

test('describes each state the way the tree shows it', () => {
  const { model, apply, advance } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1', true));
  apply(startEvent(100, 102, 'Piao-2'));
  const daemon = model.find('r', 101)!;
  assert.equal(processDescription(daemon, undefined), 'PID 101 · alive · daemon');
  apply({ kind: 'join', pid: 100, time: 2, child: 102, phase: 'enter', timeout: 1, code: null });
  assert.equal(processDescription(model.find('r', 100)!, 'Piao-2'), 'PID 100 · joining Piao-2');
  apply({ kind: 'exit', pid: 102, time: 2_100, code: 0 });
  assert.equal(processDescription(model.find('r', 102)!, undefined), 'PID 102 · exiting');
  advance(2100);
  model.applyScan([snapshot(100, 1), snapshot(101, 100), snapshot(102, 100, { zombie: true, waitStatus: 0 })]);
  assert.equal(processDescription(model.find('r', 102)!, undefined), 'PID 102 · zombie (not joined)');
  apply({ kind: 'reaped', pid: 100, time: 2_300, child: 102, code: 0 });
  assert.equal(processDescription(model.find('r', 102)!, undefined), 'PID 102 · exited 0 · 2.0 s');
  apply({ kind: 'reaped', pid: 100, time: 4, child: 101, code: -15 });
  assert.equal(processDescription(daemon, undefined), 'PID 101 · exited \u221215 (SIGTERM) · daemon');
  model.programExited('r', -9);
  assert.equal(runStateText(model.run('r')!), 'live (program exited \u22129)');
});

test('a translator receives every message with its arguments', () => {
  const { model, apply } = modelWithRun();
  apply(startEvent(100, 101, 'Piao-1'));
  const upper = (message: string, ...args: Array<string | number | boolean>) =>
    message.toUpperCase().replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
  assert.equal(processDescription(model.find('r', 101)!, undefined, upper), 'PID 101 · ALIVE');
});

test('a zombie that is not a multiprocessing child was not waited for: join is multiprocessing\'s word', () => {
  const { model } = modelWithRun();
  model.applyScan([snapshot(100, 1), snapshot(200, 100, { name: 'sleep', zombie: true, waitStatus: 0 })]);
  assert.equal(processDescription(model.find('r', 200)!, undefined), 'PID 200 · zombie (not waited for)');
});
