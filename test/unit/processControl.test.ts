import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { modelWithRun, settle, startEvent } from './modelFixtures';

function controlWith(currentIdentity: (pid: number) => string | undefined, killError?: string) {
  const { model, apply } = modelWithRun();
  const sent: Array<[number, number | string]> = [];
  const control = new ProcessControl(model, {
    identify: async (pid) => currentIdentity(pid),
    scan: async () => undefined,
    kill: (pid, signal) => {
      if (killError) {
        throw Object.assign(new Error(killError), { code: killError });
      }
      sent.push([pid, signal]);
    },
  });
  return { model, apply, control, sent };
}

test('signals a process whose pid still has the recorded start time', async () => {
  const { model, apply, control, sent } = controlWith((pid) => `start-${pid}`);
  apply(startEvent(100, 101, 'Piao-1'));
  await settle();
  const result = await control.signal(model.find('r', 101)!, 'SIGTERM');
  assert.equal(result.outcome, 'sent');
  assert.deepEqual(sent, [[101, 15]]);
  assert.equal(model.find('r', 101)!.signalsRequested.at(-1)?.by, 0, 'recorded as sent by ProcLens');
});

test('sends nothing when the pid now belongs to another process, and says so', async () => {
  const { model, apply, control, sent } = controlWith(() => 'a-later-process');
  apply(startEvent(100, 101, 'Piao-1'));
  await settle();
  const result = await control.signal(model.find('r', 101)!, 'SIGKILL');
  assert.equal(result.outcome, 'reused');
  assert.deepEqual(sent, []);
  assert.match(result.message, /Piao-1 \(PID 101\) is gone/);
});

test('an exited or vanished process is reported as exited, not signalled', async () => {
  const { model, apply, control, sent } = controlWith(() => undefined);
  apply(startEvent(100, 101, 'Piao-1'));
  await settle();
  assert.equal((await control.signal(model.find('r', 101)!, 'SIGTERM')).outcome, 'exited');
  apply({ kind: 'reaped', pid: 100, time: 2, child: 101, code: 0 });
  const result = await control.signal(model.find('r', 101)!, 'SIGTERM');
  assert.equal(result.outcome, 'exited');
  assert.match(result.message, /already exited/);
  assert.deepEqual(sent, []);
});

test('EPERM from the OS becomes "not permitted"', async () => {
  const { model, apply, control } = controlWith((pid) => `start-${pid}`, 'EPERM');
  apply(startEvent(100, 101, 'Piao-1'));
  await settle();
  const result = await control.signal(model.find('r', 101)!, 'SIGTERM');
  assert.equal(result.outcome, 'not-permitted');
  assert.match(result.message, /another user/);
});

test('signalTree reaches descendants first, then the process itself', async () => {
  const { model, apply, control, sent } = controlWith((pid) => `start-${pid}`);
  apply(startEvent(100, 101, 'Process-1'));
  apply(startEvent(101, 102, 'Process-1:1'));
  apply(startEvent(100, 103, 'Process-2'));
  await settle();
  await control.signalTree(model.find('r', 101)!, 'SIGTERM');
  assert.deepEqual(sent.map(([pid]) => pid), [102, 101]);
});

test('join resolves with the exit code, or times out, or is cancelled', async () => {
  const { model, apply, control } = controlWith((pid) => `start-${pid}`);
  apply(startEvent(100, 101, 'Piao-1'));
  const child = model.find('r', 101)!;
  assert.deepEqual(await control.join(child, { timeoutMs: 20 }), { outcome: 'timeout' });
  const abort = new AbortController();
  const cancelled = control.join(child, { signal: abort.signal });
  abort.abort();
  assert.deepEqual(await cancelled, { outcome: 'cancelled' });
  const joined = control.join(child);
  apply({ kind: 'reaped', pid: 100, time: 3, child: 101, code: -15 });
  assert.deepEqual(await joined, { outcome: 'exited', exitCode: -15, signal: 'SIGTERM' });
});
