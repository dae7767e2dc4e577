import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  byName,
  children,
  EXAMPLES,
  run,
  runTraced,
  skipUnless,
  START_METHODS,
  testInterpreters,
  TracedOutcome,
  WITH_START_METHOD,
} from './engineHelpers';
import { describeScenarios, isInterleaving, Scenario, Stream, Writes } from './interleavings';

type Check = (traced: TracedOutcome) => void;

/** A child's pid as printed: known from the model for a traced run, any number for a plain one. */
type PidOf = (name: string) => string | RegExp;

const piao = (name: string, first: string): Stream => ({ who: name, prints: [[`${name} ${first}`], [`${name} piao end`]] });

/**
 * What each example may print, exactly: each scenario names every line of every process, and
 * the only freedom is the one the lesson and the example's header document (a scenario per
 * allowed value, a stage per "this comes after that", `mayBeCut` for a child ended by a signal).
 */
const OUTPUT: Record<string, (pidOf: PidOf) => Scenario[]> = {
  // Children print concurrently, in any order; under fork one may print before '主线程'.
  s06_start_four_processes: () => [
    [[{ who: 'main', prints: [['主线程']] }, ...['egon', 'alex', 'wupeiqi', 'yuanhao'].map((n) => piao(n, 'piaoing'))]],
  ],
  // join() before the main program prints.
  s06_data_isolation: () => [[[{ who: 'Process-1', prints: [['子程序', '200']] }], [{ who: 'main', prints: [['主程序', '100']] }]]],
  // Joined one by one after all four started: '主线程' is last.
  s08_join_all: () => [[['egon', 'alex', 'wupeiqi', 'yuanhao'].map((n) => piao(n, 'piaoling')), [{ who: 'main', prints: [['主线程']] }]]],
  // The lesson's point: join(1) gives up after 1 s, so '主程序' comes while egon still sleeps
  // (its end is 2 s after its first line: a full second to spare).
  s08_join_timeout: () => [
    [
      [{ who: 'egon', prints: [['egon is piaoling']] }, { who: 'main', prints: [['主程序']] }],
      [{ who: 'egon', prints: [['egon piao end']] }],
    ],
  ],
  s09_name_and_pid: (pidOf) => [[[{ who: 'main', prints: [['PID', pidOf('Piao-1')]] }, piao('Piao-1', 'is piaoling')]]],
  // "不会立即关闭, 所以is_alive立刻查看的结果可能还是存活": the first is_alive() may say True or
  // False, and the child may get its first line (or only its text) out before SIGTERM lands.
  // After the 1 s sleep it is gone: False, then its exit code.
  s09_terminate_is_alive: () =>
    ['True', 'False'].map((first) => [
      [{ who: 'main', prints: [[first]] }, { who: 'egon', prints: [['egon is piaoing']], mayBeCut: true }],
      [{ who: 'main', prints: [['False'], ['exitcode', '-15']] }],
    ]),
  // The daemon is terminated when the main program's code ends: its first line may or may not
  // (or only partly) appear, 'egon piao end' never does.
  s10_daemon: () => [[[{ who: 'main', prints: [['主程序']] }, { who: 'egon', prints: [['egon is piaoling']], mayBeCut: true }]]],
  s10_daemon_no_children: () => [
    [
      [{ who: 'egon', prints: [['egon is piaoling'], ['AssertionError:', 'daemonic processes are not allowed to have children'], ['egon piao end']] }],
      [{ who: 'main', prints: [['主程序']] }],
    ],
  ],
};

function assertOutput(what: string, output: string, scenarios: readonly Scenario[], writes: Writes) {
  assert.ok(
    scenarios.some((scenario) => isInterleaving(output, scenario, writes)),
    `${what} is not one of the outputs the lesson allows:\n${JSON.stringify(output)}\nallowed: an interleaving of (writes: ${writes})\n${describeScenarios(scenarios)}`,
  );
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

for (const python of testInterpreters()) {
  describe(`the lesson's examples under Python ${python.label}`, { concurrency: 6, skip: skipUnless(python) }, () => {
    for (const [example, check] of Object.entries(EXPECTED)) {
      for (const method of START_METHODS) {
        test(`${example} (${method}): the lesson's output and exit code, plain and traced; the model shows it`, async () => {
          const command = [python.path!, WITH_START_METHOD, method, path.join(EXAMPLES, `${example}.py`)];
          // Plain Python as a person runs it: buffered pipe, one write per print().
          const { PYTHONUNBUFFERED, ...buffered } = process.env;
          const [plain, traced] = await Promise.all([run(command[0], command.slice(1), { env: buffered }), runTraced(command)]);
          assert.equal(plain.code, 0, plain.stderr);
          assert.equal(traced.code, 0, traced.stderr);
          assertOutput('the plain output', plain.stdout, OUTPUT[example](() => /\d+/), 'whole');
          const pids = byName(traced.summary);
          assertOutput('the traced output', traced.stdout, OUTPUT[example]((name) => String(pids.get(name)?.pid)), 'pieces');
          assert.equal(traced.summary.run.exitCode, 0);
          assert.deepEqual(traced.summary.tracer.malformed, 0);
          check(traced);
        });
      }
    }
  });
}
