import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  byName,
  children,
  EXAMPLES,
  keepEvidence,
  run,
  runTraced,
  skipUnless,
  START_METHODS,
  lessonInterpreters,
  TracedOutcome,
  WITH_START_METHOD,
} from './engineHelpers';
import { compareLessonOutput, describeRaces, OUTPUT } from './lessonOutput';
import { Writes } from './interleavings';

type Check = (traced: TracedOutcome) => void;

function assertOutput(what: string, example: string, output: string, writes: Writes, pidOf?: (name: string) => string) {
  const verdict = compareLessonOutput(example, output, writes, pidOf);
  assert.ok(verdict.allowed, verdict.allowed ? '' : `${what}: ${verdict.problem}`);
  return describeRaces(verdict.races);
}

const exitedZero = (names: string[]): Check => (traced) => {
  const found = children(traced.summary);
  assert.deepEqual(found.map((p) => p.name).sort(), [...names].sort());
  for (const child of found) {
    assert.deepEqual([child.state, child.exitCode, child.python], ['exited', 0, true], child.name);
  }
};

/** What each example must show in the model, whatever the start method and Python. */
const EXPECTED: Record<string, Check> = {
  s06_start_four_processes: exitedZero(['Process-1', 'Process-2', 'Process-3', 'Process-4']),
  s06_data_isolation: exitedZero(['Process-1']),
  s08_join_timeout: (traced) => {
    exitedZero(['egon'])(traced);
    const top = traced.summary.run.topPid;
    const joined = traced.lines.some((l) => l.type === 'process' && l.pid === top && l.state === 'joining');
    assert.ok(joined, 'the main process was seen blocked in join()');
  },
  s08_join_all: (traced) => {
    exitedZero(['Process-1', 'Process-2', 'Process-3', 'Process-4'])(traced);
    const joinedPids = new Set(traced.lines.filter((l) => l.state === 'joining').map((l) => l.joiningPid));
    assert.ok(joinedPids.size >= 1, 'join() on the children was seen');
  },
  s09_terminate_is_alive: (traced) => {
    const [child] = children(traced.summary);
    assert.deepEqual([child.name, child.state, child.exitCode, child.signal], ['egon', 'exited', -15, 'SIGTERM']);
    assert.equal(child.signalsRequested[0].signal, 'SIGTERM');
    assert.equal(child.signalsRequested[0].by, traced.summary.run.topPid);
  },
  s09_name_and_pid: (traced) => {
    const child = byName(traced.summary).get('Piao-1');
    assert.ok(child, 'Python’s own name Piao-1 won over egon');
  },
  s10_daemon: (traced) => {
    const [child] = children(traced.summary);
    const top = byName(traced.summary).get('MainProcess')!;
    assert.equal(child.daemon, true);
    assert.deepEqual([child.exitCode, child.signal], [-15, 'SIGTERM'], 'multiprocessing terminated it at exit');
    assert.ok(child.endedAt <= top.endedAt + 50, 'it ended when the main program ended');
  },
  s10_daemon_no_children: (traced) => {
    exitedZero(['egon'])(traced);
    assert.equal(children(traced.summary)[0].daemon, true);
    assert.equal(traced.summary.processes.filter((p) => p.kind === 'mp-child').length, 1, 'no grandchild');
  },
};

// Every example has its declared output, and every declared output an example.
assert.deepEqual(Object.keys(OUTPUT).sort(), Object.keys(EXPECTED).sort());

// On every Python from 3.8 to 3.13 (the rest of the engine suite runs on 3.8 and 3.13 only).
for (const python of lessonInterpreters()) {
  describe(`the lesson's examples under Python ${python.label}`, { concurrency: 6, skip: skipUnless(python) }, () => {
    for (const [example, check] of Object.entries(EXPECTED)) {
      for (const method of START_METHODS) {
        const skip = process.platform === 'win32' && method !== 'spawn' && 'needs POSIX: fork and forkserver';
        test(`${example} (${method}): the lesson's output and exit code, plain and traced; the model shows it`, { skip }, async (t) => {
          const command = [python.path!, WITH_START_METHOD, method, path.join(EXAMPLES, `${example}.py`)];
          // Plain Python as a person runs it: buffered pipe, one write per print().
          const { PYTHONUNBUFFERED, ...buffered } = process.env;
          const [plain, traced] = await Promise.all([run(command[0], command.slice(1), { env: buffered }), runTraced(command)]);
          assert.equal(plain.code, 0, plain.stderr);
          assert.equal(traced.code, 0, traced.stderr);
          const pids = byName(traced.summary);
          const races = [
            ...assertOutput('the plain output', example, plain.stdout, 'whole').map((r) => `plain: ${r}`),
            ...assertOutput('the traced output', example, traced.stdout, 'pieces', (name) => String(pids.get(name)?.pid)).map((r) => `traced: ${r}`),
          ];
          // Which way each documented race went this time, in the test report.
          races.forEach((r) => t.diagnostic(r));
          try {
            assert.equal(traced.summary.run.exitCode, 0);
            assert.deepEqual(traced.summary.tracer.malformed, 0);
            check(traced);
          } catch (error) {
            // A model that is wrong only now and then: keep what the tracer and the core said.
            const kept = keepEvidence(`${example}-${method}-${python.label}`, traced);
            t.diagnostic(`the traced run's lines are in ${kept}`);
            throw error;
          }
        });
      }
    }
  });
}
