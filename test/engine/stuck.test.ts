import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { alivePids, byName, EXAMPLES, removeScratch, runTraced, scratchFile, skipUnless, START_METHODS, testInterpreters, TracedOutcome, WITH_START_METHOD } from './engineHelpers';

/**
 * The "why is it stuck?" examples under `proclens run --timeout 5`: each hangs for good, so
 * each run must end by the timeout, with the stacks of every live process printed and in
 * the summary, what each process waits for, and the deadlock named when the tracer's
 * reports prove it.
 */
const TIMEOUT_S = 5;

type Process = Record<string, any>;

/** The number of the first line of `example` that contains `text`: the line a frame must point at. */
function lineOf(example: string, text: string): number {
  const index = fs.readFileSync(path.join(EXAMPLES, example), 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${example} has a line with ${text}`);
  return index + 1;
}

/** The frames of the thread named `thread` in a process's dump. */
function framesOf(process: Process, thread: string): Array<{ file: string; line: number; function: string }> {
  assert.ok(Array.isArray(process.stacks), `${process.name} has stacks: ${JSON.stringify(process.stacks)}`);
  const stack = process.stacks.find((s: Process) => s.thread === thread);
  assert.ok(stack, `${process.name} has a stack for ${thread}: ${process.stacks.map((s: Process) => s.thread)}`);
  return stack.frames;
}

/** The frame of `example` at `line` in function `fn` is in the stack (innermost last). */
function hasFrame(frames: Array<{ file: string; line: number; function: string }>, example: string, line: number, fn: string) {
  const found = frames.some((f) => f.file === path.join(EXAMPLES, example) && f.line === line && f.function === fn);
  assert.ok(found, `a frame ${example}:${line} in ${fn}, among\n${frames.map((f) => `${f.file}:${f.line} ${f.function}`).join('\n')}`);
}

/**
 * Runs the CLI with a TMPDIR of its own, removed after. The stop at the timeout is a SIGTERM,
 * which runs no atexit handler: under forkserver, Python leaves its pymp-* folder (the fork
 * server's socket) in TMPDIR, as it would after a plain kill. Only that may be left there: the
 * CLI removes its own folders.
 */
async function runWithOwnTmp(command: string[], cliArgs: string[]): Promise<TracedOutcome> {
  const tmp = scratchFile('tmp');
  fs.mkdirSync(tmp);
  try {
    const outcome = await runTraced(command, { cliArgs, env: { ...process.env, TMPDIR: tmp } });
    assert.deepEqual(fs.readdirSync(tmp).filter((name) => !name.startsWith('pymp-')), [], 'the CLI left none of its own folders');
    return outcome;
  } finally {
    removeScratch(tmp);
  }
}

async function runStuck(python: string, method: string, example: string): Promise<TracedOutcome & { elapsedMs: number }> {
  const started = Date.now();
  const outcome = await runWithOwnTmp([python, WITH_START_METHOD, method, path.join(EXAMPLES, example)], [`--timeout=${TIMEOUT_S}`]);
  const elapsedMs = Date.now() - started;
  assert.equal(outcome.code, 124, `the CLI says it timed out\n${outcome.stderr}`);
  assert.equal((outcome.summary as Process).timedOut, true);
  // Never before the timeout; after it, the stacks (≤ 1 s) and the stop (SIGTERM, then SIGKILL after 2 s).
  assert.ok(elapsedMs >= TIMEOUT_S * 1000 && elapsedMs < TIMEOUT_S * 1000 + 15_000, `ended after ${elapsedMs} ms`);
  assert.match(outcome.stderr, /the Python stacks of every live process follow/);
  assert.deepEqual(alivePids(outcome.summary.processes.map((p) => p.pid)), [], 'nothing left running');
  return { ...outcome, elapsedMs };
}

const EXPECTED: Record<string, (outcome: TracedOutcome) => void> = {
  'stuck_queue_join.py': ({ summary, stderr }) => {
    const processes = byName(summary);
    const main = processes.get('MainProcess')!;
    const child = processes.get('Process-1')!;
    assert.deepEqual([main.waitingFor?.kind, main.waitingFor?.on], ['join', 'Process-1']);
    assert.equal(child.waitingFor?.kind, 'queue-feeder');
    hasFrame(framesOf(main, 'MainThread'), 'stuck_queue_join.py', lineOf('stuck_queue_join.py', 'p.join()  # deadlock'), '<module>');
    assert.ok(framesOf(child, 'MainThread').some((f) => f.function === '_finalize_join'), 'the child waits for its feeder thread');
    assert.ok(child.threads.some((t: Process) => t.name === 'QueueFeederThread' && t.daemon), 'the feeder thread is listed');
    const [diagnosis, ...more] = (summary as Process).diagnoses;
    assert.deepEqual(more, []);
    assert.deepEqual([diagnosis.kind, diagnosis.pid, diagnosis.childPid], ['join-unread-queue', main.pid, child.pid]);
    // The 1 MB the child put, pickled: a few bytes of header more.
    assert.ok(diagnosis.bytes > 1024 * 1024 && diagnosis.bytes < 1024 * 1024 + 64, `bytes: ${diagnosis.bytes}`);
    assert.equal(main.diagnosis.kind, 'join-unread-queue');
    assert.match(diagnosis.fix, /before join\(\)/);
    assert.match(stderr, /Deadlock: MainProcess \(PID \d+\) joins Process-1/);
  },
  'stuck_lock.py': ({ summary, stderr }) => {
    const processes = byName(summary);
    const main = processes.get('MainProcess')!;
    const child = processes.get('Process-1')!;
    const line = lineOf('stuck_lock.py', 'with lock:  # waits');
    assert.equal(main.waitingFor?.kind, 'join');
    assert.deepEqual(
      [child.waitingFor?.kind, child.waitingFor?.call, child.waitingFor?.file, child.waitingFor?.line],
      ['lock', 'Lock.acquire', path.join(EXAMPLES, 'stuck_lock.py'), line],
    );
    hasFrame(framesOf(child, 'MainThread'), 'stuck_lock.py', line, 'report');
    const [diagnosis, ...more] = (summary as Process).diagnoses;
    assert.deepEqual(more, []);
    assert.deepEqual([diagnosis.kind, diagnosis.pid, [...diagnosis.pids].sort()], ['wait-cycle', main.pid, [main.pid, child.pid].sort()]);
    assert.match(stderr, new RegExp(`File "${path.join(EXAMPLES, 'stuck_lock.py')}", line ${line}, in report`));
  },
  'stuck_pool_dead_worker.py': ({ summary }) => {
    const main = byName(summary).get('MainProcess')!;
    assert.deepEqual([main.waitingFor?.kind, main.waitingFor?.call], ['pool', 'Pool.map']);
    hasFrame(framesOf(main, 'MainThread'), 'stuck_pool_dead_worker.py', lineOf('stuck_pool_dead_worker.py', 'pool.map('), '<module>');
    const dead = summary.processes.filter((p) => /PoolWorker-\d+$/.test(p.name) && p.exitCode === -9);
    assert.equal(dead.length, 1, 'one worker killed itself');
    assert.equal(dead[0].signal, 'SIGKILL');
    const [diagnosis, ...more] = (summary as Process).diagnoses;
    assert.deepEqual(more, []);
    assert.deepEqual([diagnosis.kind, diagnosis.pid, diagnosis.workerPid, diagnosis.exitCode], ['pool-lost-worker', main.pid, dead[0].pid, -9]);
    // Its tracer said which task it was running: map's chunks are of one item here.
    assert.deepEqual(diagnosis.task, { function: 'square', args: '2', items: 1 });
    assert.match(diagnosis.problem, / while running square\(2\)\.$/);
  },
  'stuck_threads.py': ({ summary }) => {
    const processes = byName(summary);
    const main = processes.get('MainProcess')!;
    const child = processes.get('Process-1')!;
    const threads = (p: Process) => p.threads.map((t: Process) => [t.name, t.daemon, t.main]);
    assert.deepEqual(threads(main), [['MainThread', false, true], ['Heartbeat', true, false], ['Collector', false, false]]);
    assert.deepEqual(threads(child), [['MainThread', false, true], ['Reader', false, false]]);
    // At the moment of the dump every thread was alive; the stop ended them all.
    assert.ok([...main.threads, ...child.threads].every((t: Process) => t.alive === false));
    assert.equal(main.waitingFor?.kind, 'join');
    assert.deepEqual([child.waitingFor?.kind, child.waitingFor?.on], ['thread-join', 'Reader']);
    hasFrame(framesOf(child, 'Reader'), 'stuck_threads.py', lineOf('stuck_threads.py', 'items.get()'), 'read');
    const collector = framesOf(main, 'Collector');
    assert.equal(collector.at(-1)?.function, 'wait', 'Collector is blocked in Event.wait');
    // The daemon Heartbeat sleeps in a loop: it may still act, so no deadlock is claimed.
    assert.deepEqual((summary as Process).diagnoses, []);
  },
};

for (const python of testInterpreters()) {
  const linuxOnly = process.platform !== 'linux' && 'needs Linux: the stack dumps are asked for with a real-time signal, and /proc is read to see nothing left';
  describe(`why is it stuck? under Python ${python.label}`, { concurrency: 6, skip: linuxOnly || skipUnless(python) }, () => {
    for (const [example, check] of Object.entries(EXPECTED)) {
      for (const method of START_METHODS) {
        test(`${example} (${method}): ends at --timeout with every live process's stacks, its waits and the diagnosis`, async () => {
          check(await runStuck(python.path!, method, example));
        });
      }
    }
  });
}
