import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { chooseLister } from '../../src/core/scan/chooseLister';
import { ProcessLister } from '../../src/core/scan/processSnapshot';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, FIXTURES, REPO, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');

test('a run whose program has exited stays live while the OS still shows a process of it', { skip: process.platform !== 'linux' && 'needs Linux: reads /proc to see the sleep still running', timeout: 60_000 }, async () => {
  const tracker = new ProcessTracker({ tracerDirectory, scanIntervalMs: 100 });
  const run = await tracker.start({ command: [python, path.join(FIXTURES, 'outliving_sleep.py'), '30'], stdio: 'pipe' });
  let output = '';
  run.program.on('stdout', (data) => (output += data));
  let finished = false;
  void run.finished.then(() => (finished = true));
  const exited = new Promise((resolve) => run.program.once('exit', resolve));
  let sleeper: number | undefined;
  try {
    await exited;
    // The exit can be seen before the last output is read.
    sleeper = await until("the sleep's pid", () => Number(/sleep (\d+)/.exec(output)?.[1]));
    await until('every tracer connection to close', () => run.events.connectionCount === 0);
    // Several scans after the program's exit and its connection's close: each saw the sleep.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(alivePids([sleeper]), [sleeper], 'the sleep is still running');
    assert.equal(finished, false, 'the run is still live');
    assert.equal(tracker.model.find(run.id, sleeper)?.state, 'running');
    process.kill(sleeper, 'SIGKILL');
    await until('the run to settle once the sleep has ended', () => finished);
    assert.equal(tracker.model.find(run.id, sleeper)?.state, 'exited');
  } finally {
    if (sleeper && alivePids([sleeper]).length) {
      process.kill(sleeper, 'SIGKILL');
    }
    await tracker.dispose();
  }
});

test('a run whose every process and tracer connection are gone settles at the next scan, with no fixed wait', { timeout: 60_000 }, async () => {
  // When each listing started: the one that settles the run must follow the program's exit at once.
  const real = chooseLister(undefined, process.platform);
  const listings: number[] = [];
  const lister: ProcessLister = {
    description: real.description,
    capabilities: real.capabilities,
    list: () => {
      listings.push(performance.now());
      return real.list();
    },
    snapshot: (pid) => real.snapshot(pid),
    identify: (pid) => real.identify(pid),
    commandLine: (pid) => real.commandLine(pid),
  };
  // The least of a few runs: a busy machine can hold up any one turn of the event loop.
  const waits: number[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const tracker = new ProcessTracker({ tracerDirectory, lister, scanIntervalMs: 60_000 });
    try {
      const run = await tracker.start({ command: [python, '-c', 'pass'], stdio: 'pipe' });
      const exitedAt = await new Promise<number>((resolve) => run.program.once('exit', () => resolve(performance.now())));
      const record = await run.finished;
      assert.equal(record.state, 'finished');
      waits.push(listings[listings.length - 1] - exitedAt);
    } finally {
      await tracker.dispose();
    }
  }
  // Before, a run waited 30 ms after its program's exit whatever it had left.
  assert.ok(Math.min(...waits) < 15, `the settling scan started ${waits.map((w) => w.toFixed(1)).join(', ')} ms after the exit`);
});
