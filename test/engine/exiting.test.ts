import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { ProcessControl } from '../../src/core/control/processControl';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, FIXTURES, REPO, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');

/** slow_atexit.py under spawn: its child's code ends at once, its atexit handler sleeps 3 s. */
async function startLingerer() {
  const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100 });
  try {
    const run = await tracker.start({ command: [python, path.join(FIXTURES, 'slow_atexit.py'), 'spawn'], stdio: 'pipe' });
    let output = '';
    run.program.on('stdout', (data) => (output += data));
    const child = await until('the child to report its code done', () => {
      const record = tracker.model.processesOf(run.id).find((r) => r.name === 'lingerer');
      return record?.reportedExitCode !== undefined && record;
    });
    return { tracker, run, child, output: () => output };
  } catch (error) {
    // The callers dispose of it only once it is theirs; its EventServer's folders go with it.
    await tracker.dispose();
    throw error;
  }
}

test('a child running its exit handlers is exiting, not a zombie, until the OS shows it ended', { skip: process.platform !== 'linux' && 'needs Linux: reads /proc to see the exiting child still running' }, async () => {
  const { tracker, run, child, output } = await startLingerer();
  try {
    assert.equal(child.state, 'exiting');
    const exitingSince = Date.now();
    await until('the parent to print is_alive()', () => output().includes('alive at 1 s'));
    assert.match(output(), /alive at 1 s: True/);
    assert.equal(child.state, 'exiting', 'is_alive() says True: so does the tree');
    assert.deepEqual(alivePids([child.pid]), [child.pid], 'the OS shows it running');
    await until('the child to end', () => child.state === 'exited' && child, 10_000);
    const lastedMs = child.endedAt! - child.startedAt!;
    assert.ok(lastedMs >= 2800, `it ended when its exit handler did, ${lastedMs} ms after it started`);
    assert.ok(Date.now() - exitingSince >= 1500, 'it stayed exiting for the handler\'s sleep');
    assert.equal(child.exitCode, 0);
    await run.finished;
    assert.match(output(), /exit code: 0/);
  } finally {
    await tracker.dispose();
  }
});

test('an exiting child can be terminated, and its exit code says so', { skip: process.platform === 'win32' && 'needs POSIX: SIGTERM and its exit code −15' }, async () => {
  const { tracker, run, child, output } = await startLingerer();
  try {
    assert.equal(child.state, 'exiting');
    const control = new ProcessControl(tracker.model, { identify: (pid) => tracker.lister.identify(pid), scan: () => tracker.scanNow() });
    const result = await control.signal(child, 'SIGTERM');
    assert.equal(result.outcome, 'sent', result.message);
    await until('the child to end', () => child.state === 'exited' && child);
    assert.deepEqual([child.exitCode, child.signal], [-15, 'SIGTERM']);
    await run.finished;
    assert.match(output(), /exit code: -15/);
  } finally {
    await tracker.dispose();
  }
});
