import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, REPO, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');


test('after a restart, a run that is still alive is found again by pid and start time, shown, and can be stopped', async () => {
  const before = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100 });
  const command = [python, '-c', 'import subprocess, time; subprocess.Popen(["sleep", "30"]); time.sleep(30)'];
  const first = await before.start({ command, stdio: 'pipe' });
  const top = await until('the program and its sleep child', () => {
    const records = before.model.processesOf(first.id);
    return records.some((r) => r.name === 'sleep') && records.find((r) => r.kind === 'program' && r.identity);
  });
  // The editor goes away without stopping anything.
  await before.dispose();

  const after = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100 });
  assert.equal(await after.adopt({ pid: top.pid, identity: 'someone-else', command, cwd: '/' }), undefined, 'a pid with another start time is not adopted');
  const again = await after.adopt({ pid: top.pid, identity: top.identity, command, cwd: '/' });
  assert.ok(again, 'found again');
  const sleep = await until('the sleep child, seen by the scan', () => after.model.processesOf(again.id).find((r) => r.name === 'sleep'));
  assert.equal(sleep.parentPid, top.pid);
  const control = new ProcessControl(after.model, { identify: (pid) => after.lister.identify(pid), scan: () => after.scanNow() });
  const survivors = await control.stopRun(again.id, 500);
  assert.deepEqual(survivors, []);
  const finished = await again.finished;
  assert.equal(finished.state, 'finished');
  assert.deepEqual(alivePids([top.pid, sleep.pid]), []);
  await after.dispose();
});
