import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runJson } from '../../src/cli/jsonReport';
import { ProcessModel } from '../../src/core/model/processModel';
import { listerLimits, listerSummary } from '../../src/core/present/listerText';
import { lifetimeText, processDescription, startedText } from '../../src/core/present/processText';
import { ListerCapabilities } from '../../src/core/scan/processSnapshot';
import { PsListLister } from '../../src/core/scan/psListLister';

const PROC: ListerCapabilities = { zombies: 'exit-status', sessions: true, startTimeEarlyMs: 20, commandLines: 'exact' };

test('/proc sees it all: nothing to say', () => {
  assert.deepEqual(listerLimits({ description: 'Linux /proc', capabilities: PROC }), []);
  assert.equal(listerSummary({ description: 'Linux /proc', capabilities: PROC }), undefined);
});

test('ps (macOS, or Linux when asked for): no sessions, no zombie exit status, start times to the second, joined command lines', () => {
  const ps = new PsListLister(async () => []);
  const limits = listerLimits({ description: ps.description, capabilities: ps.capabilities });
  assert.equal(limits.length, 4, limits.join('\n'));
  assert.match(limits[0], /no sessions: a process whose parent ended before a scan saw it is not found .* never signals it and Stop Run cannot end it/);
  assert.match(limits[1], /zombies without their exit status/);
  assert.match(limits[2], /whole seconds and may read up to 2 s early/);
  assert.match(limits[3], /joined with spaces/);
});

/** A run scanned by ps-list, its program PID 100 started at 10.000 s (ps shows whole seconds). */
function psRun() {
  const ps = new PsListLister(async () => []);
  let clock = 10_400;
  const model = new ProcessModel({ batchMs: 1, now: () => clock });
  model.addRun({ id: 'r', command: ['python3', 'main.py'], cwd: '/', startedAt: 10_000, state: 'live', lister: { description: ps.description, capabilities: ps.capabilities } });
  const top = { pid: 100, ppid: 1, name: 'python3', zombie: false, identity: '10000', startTime: 10_000 };
  model.programStarted('r', 100, ['python3', 'main.py'], top);
  return { model, top, at: (ms: number) => (clock = ms) };
}

test('a process known only from a ps scan: its start time and lifetime are said to be no finer than ps gives', () => {
  const { model, top, at } = psRun();
  // `sleep` started at 11.900 s; ps says 11 s.
  model.applyScan([top, { pid: 101, ppid: 100, name: 'sleep', zombie: false, identity: '11000', startTime: 11_000 }], 12_000);
  const sleep = model.find('r', 101)!;
  assert.equal(sleep.startedAtEarlyMs, 2000);
  assert.match(startedText(sleep)!, /\(to the second, from ps\)$/);
  at(14_000);
  model.applyScan([top], 14_000);
  assert.equal(sleep.state, 'exited');
  assert.equal(lifetimeText(sleep, 14_000), '\u2264 3.0 s', 'at most: ps may read the start up to 2 s early');
  assert.equal(processDescription(sleep, undefined), 'PID 101 · exited · \u2264 3.0 s');
  const json = runJson(model.run('r')!).lister as Record<string, unknown>;
  assert.deepEqual([json.name, json.zombies, json.sessions, json.startTimeEarlyMs, json.commandLines], ['ps-list', 'no-exit-status', false, 2000, 'joined']);
});

test('once its tracer speaks, its own time replaces the second ps gave', () => {
  const { model, top } = psRun();
  model.applyScan([top, { pid: 101, ppid: 100, name: 'python3', zombie: false, identity: '11000', startTime: 11_000 }], 12_000);
  model.applyTracerEvent('r', { kind: 'hello', pid: 101, ppid: 100, time: 11_930, executable: '/usr/bin/python3', argv: ['worker.py'], pythonVersion: '3.13.0' });
  const worker = model.find('r', 101)!;
  assert.deepEqual([worker.startedAt, worker.startedAtEarlyMs], [11_930, undefined]);
  assert.doesNotMatch(startedText(worker)!, /ps/);
});

test('/proc start times (clock ticks) are not marked: they are as fine as the tracer\'s', () => {
  const model = new ProcessModel({ batchMs: 1, now: () => 12_000 });
  model.addRun({ id: 'r', command: ['python3'], cwd: '/', startedAt: 10_000, state: 'live', lister: { description: 'Linux /proc', capabilities: PROC } });
  const top = { pid: 100, ppid: 1, name: 'python3', zombie: false, identity: '1', startTime: 10_000, sessionId: 100 };
  model.programStarted('r', 100, ['python3'], top, 100);
  model.applyScan([top, { pid: 101, ppid: 100, name: 'sleep', zombie: false, identity: '2', startTime: 11_930, sessionId: 100 }], 12_000);
  assert.equal(model.find('r', 101)!.startedAtEarlyMs, undefined);
});
