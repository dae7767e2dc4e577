import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, REPO, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');


/** A tracker disposed when the test ends, passed or not: its EventServer's folders go with it. */
function trackerFor(t: TestContext, scanIntervalMs: number): ProcessTracker {
  const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs });
  t.after(() => tracker.dispose());
  return tracker;
}

test('after a restart, a run that is still alive is found again by pid and start time, shown, and can be stopped', { skip: process.platform !== 'linux' && 'needs Linux: finds the run again by the start time /proc gives, and reads /proc to see it end' }, async (t) => {
  const before = trackerFor(t, 100);
  const command = [python, '-c', 'import subprocess, time; subprocess.Popen(["sleep", "30"]); time.sleep(30)'];
  const first = await before.start({ command, stdio: 'pipe' });
  const top = await until('the program and its sleep child', () => {
    const records = before.model.processesOf(first.id);
    return records.some((r) => r.name === 'sleep') && records.find((r) => r.kind === 'program' && r.identity);
  });
  // The editor goes away without stopping anything.
  await before.dispose();

  const after = trackerFor(t, 100);
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
});

test('while nothing changes the scan slows down, to a quarter of its rate at most', { skip: process.platform !== 'linux' && 'needs Linux: counts the scans of the /proc lister, one of which takes far less than a 20 ms tick' }, async (t) => {
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  const tracker = trackerFor(t, 20);
  let scans = 0;
  const list = tracker.lister.list.bind(tracker.lister);
  tracker.lister.list = async () => {
    scans++;
    return list();
  };
  const run = await tracker.adopt({ pid: sleeper.pid!, command: ['sleep', '30'], cwd: '/' });
  assert.ok(run);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // At a steady 20 ms that would be about 50 scans; slowed to 80 ms, about 15.
  assert.ok(scans >= 8 && scans <= 25, `${scans} scans in one second`);
  sleeper.kill('SIGKILL');
  await run.finished;
});
