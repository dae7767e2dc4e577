import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, FIXTURES, REPO, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');

/** A `sleep` in a session of its own: no run's descendant, no run's session. */
function outsider(): ChildProcess {
  return spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
}

/** The run's program leads a process group of its own: on a failed check, nothing of it may stay. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone: what the passing case expects.
  }
}

test('a run that claims processes outside it cannot have them signalled: Stop Run leaves them alive', { skip: process.platform !== 'linux' && 'needs Linux: reads /proc to see the outsiders still alive; sessions and process groups' }, async () => {
  const before = outsider();
  const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100 });
  const warnings: string[] = [];
  tracker.on('log', (level, message) => level === 'warn' && warnings.push(message));
  const run = await tracker.start({ command: [python, path.join(FIXTURES, 'claim_foreign.py')], stdio: 'pipe' });
  let output = '';
  run.program.on('stdout', (data) => (output += data));
  // One started before the run, one while it runs: neither is the run's.
  await until('the program to say hello', () => tracker.model.find(run.id, run.program.pid)?.traced);
  const outsiders = [before, outsider()];
  try {
    for (const sleeper of outsiders) {
      run.program.write(`${sleeper.pid}\n`);
      await until(`the claim of PID ${sleeper.pid}`, () => output.includes(`claimed ${sleeper.pid}`));
    }
    // Let the claims arrive and two scans pass.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const control = new ProcessControl(tracker.model, { identify: (pid) => tracker.lister.identify(pid), scan: () => tracker.scanNow() });
    assert.deepEqual(await control.stopRun(run.id, 500), []);
    await run.finished;
    assert.deepEqual(alivePids(outsiders.map((s) => s.pid!)), outsiders.map((s) => s.pid), 'both outsiders are still alive');
    for (const sleeper of outsiders) {
      assert.equal(tracker.model.find(run.id, sleeper.pid!), undefined, `PID ${sleeper.pid} is not shown as the run's`);
    }
    assert.equal(warnings.filter((w) => /outside the run/.test(w)).length, 2, warnings.join('\n'));
  } finally {
    outsiders.forEach((s) => s.kill('SIGKILL'));
    killGroup(run.program.pid);
    await tracker.dispose();
  }
});
