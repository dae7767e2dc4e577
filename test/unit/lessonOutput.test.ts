import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Outcome, Race } from '../engine/interleavings';
import { compareLessonOutput, OUTPUT, RACES } from '../engine/lessonOutput';

// Outputs captured from real runs of the examples (Python 3.13, plain and under ProcLens), the
// two from the issue that the old comparison failed on, and, marked so, a few written by hand
// for outcomes the load runs saw (their tests report each race's outcome) but did not keep.

const { firstIsAlive, childFirstLine } = RACES.s09_terminate_is_alive;
const { daemonFirstLine } = RACES.s10_daemon;

/** The outcome a race took in an allowed output; fails if the output is refused. */
function tookIn(example: string, output: string, writes: 'whole' | 'pieces', race: Race): Outcome | undefined {
  const verdict = compareLessonOutput(example, output, writes);
  assert.ok(verdict.allowed, verdict.allowed ? '' : verdict.problem);
  return verdict.races.get(race);
}

test('every race line has at least two outcomes, each with its reason', () => {
  for (const races of Object.values(RACES)) {
    for (const race of Object.values(races) as Race[]) {
      assert.ok(race.outcomes.length >= 2, race.line);
      for (const outcome of race.outcomes) {
        assert.ok(outcome.why.length > 20, `${race.line}: ${outcome.kind} needs a reason`);
      }
    }
  }
});

test('§9, captured: the first is_alive() says True; the child was killed before printing, or printed first', () => {
  for (const writes of ['whole', 'pieces'] as const) {
    assert.equal(tookIn('s09_terminate_is_alive', 'True\nFalse\nexitcode -15\n', writes, firstIsAlive), firstIsAlive.outcomes[0]);
    assert.equal(tookIn('s09_terminate_is_alive', 'True\nFalse\nexitcode -15\n', writes, childFirstLine)?.kind, 'killedBefore');
    assert.equal(tookIn('s09_terminate_is_alive', 'egon is piaoing\nTrue\nFalse\nexitcode -15\n', writes, childFirstLine)?.kind, 'printed');
  }
});

test('§9, from the issue (by hand: the rest as captured): the first is_alive() says False (the lesson: "可能还是存活", may still be alive)', () => {
  assert.equal(tookIn('s09_terminate_is_alive', 'False\nFalse\nexitcode -15\n', 'pieces', firstIsAlive), firstIsAlive.outcomes[1]);
  assert.equal(tookIn('s09_terminate_is_alive', 'False\nFalse\nexitcode -15\n', 'whole', firstIsAlive), firstIsAlive.outcomes[1]);
});

test('§10, captured: the daemon’s first line before, after or not at all', () => {
  for (const writes of ['whole', 'pieces'] as const) {
    assert.equal(tookIn('s10_daemon', '主程序\n', writes, daemonFirstLine)?.kind, 'killedBefore');
    assert.equal(tookIn('s10_daemon', '主程序\negon is piaoling\n', writes, daemonFirstLine)?.kind, 'printed');
    assert.equal(tookIn('s10_daemon', 'egon is piaoling\n主程序\n', writes, daemonFirstLine)?.kind, 'printed');
  }
});

test('§10, from the issue: SIGTERM between the daemon’s text and its newline, the "extra empty line"', () => {
  // From the issue: the daemon's text, the main program's line, then the daemon's newline; the
  // old comparison masked the text away and was left with an empty line.
  assert.equal(tookIn('s10_daemon', 'egon is piaoling主程序\n\n', 'pieces', daemonFirstLine)?.kind, 'printed');
  // By hand: SIGTERM between the text and its newline, which never comes.
  assert.equal(tookIn('s10_daemon', 'egon is piaoling主程序\n', 'pieces', daemonFirstLine)?.kind, 'killedWithin');
  assert.equal(tookIn('s10_daemon', '主程序egon is piaoling\n', 'pieces', daemonFirstLine)?.kind, 'killedWithin');
  // Buffered, each print is one write: none of these can happen in a plain run.
  for (const output of ['egon is piaoling主程序\n', '主程序egon is piaoling\n', 'egon is piaoling主程序\n\n']) {
    assert.equal(compareLessonOutput('s10_daemon', output, 'whole').allowed, false, output);
  }
});

test('must fail, captured: a daemon that outlived the main program’s code printed its last line', () => {
  // s10_daemon.py with the main program sleeping 2.5 s after its print, under ProcLens (fork).
  const verdict = compareLessonOutput('s10_daemon', '主程序\negon is piaoling\negon piao end\n', 'pieces');
  assert.equal(verdict.allowed, false);
  assert.match(verdict.allowed ? '' : verdict.problem, /not one of the outputs the lesson allows for s10_daemon/);
});

test('must fail, captured: without terminate() the child lives on (is_alive() True twice, exitcode None)', () => {
  // s09_terminate_is_alive.py without its p.terminate() line, plain Python.
  const output = 'True\negon is piaoing\nTrue\nexitcode None\negon piao end\n';
  assert.equal(compareLessonOutput('s09_terminate_is_alive', output, 'whole').allowed, false);
  assert.equal(compareLessonOutput('s09_terminate_is_alive', output, 'pieces').allowed, false);
});

test('must fail: a race line with a value the lesson does not name, or a deterministic line changed', () => {
  const refused = {
    s09_terminate_is_alive: [
      'None\nFalse\nexitcode -15\n', // is_alive() is True or False, nothing else
      'True\nTrue\nexitcode -15\n', // after the 1 s sleep: "#结果为False"
      'True\nFalse\nexitcode -9\n', // terminate() is SIGTERM
      'True\nFalse\nexitcode -15\negon is piaoing\n', // the child's line after its death was seen
      'True\negon is piaoing\negon piao end\nFalse\nexitcode -15\n', // it never gets 2 s
    ],
    s10_daemon: ['', '主程序\n主程序\n', 'egon is piaoling\n', '主程序\negon is piaoling\negon is piaoling\n'],
  };
  for (const [example, outputs] of Object.entries(refused)) {
    for (const output of outputs) {
      for (const writes of ['whole', 'pieces'] as const) {
        assert.equal(compareLessonOutput(example, output, writes).allowed, false, `${example} ${writes}: ${JSON.stringify(output)}`);
      }
    }
  }
});

test('the deterministic examples, captured, pass exactly; one line changed, lost or moved fails', () => {
  const captured: Record<string, string> = {
    s06_data_isolation: '子程序 200\n主程序 100\n',
    s08_join_timeout: 'egon is piaoling\n主程序\negon piao end\n',
    s09_name_and_pid: 'PID 24145\nPiao-1 is piaoling\nPiao-1 piao end\n',
    s06_start_four_processes: 'egon piaoing\nalex piaoing\nwupeiqi piaoing\nyuanhao piaoing\n主线程\negon piao end\nalex piao end\nwupeiqi piao end\nyuanhao piao end\n',
    s08_join_all: 'egon piaoling\nalex piaoling\nwupeiqi piaoling\nyuanhao piaoling\negon piao end\nalex piao end\nwupeiqi piao end\nyuanhao piao end\n主线程\n',
    s10_daemon_no_children: 'egon is piaoling\nAssertionError: daemonic processes are not allowed to have children\negon piao end\n主程序\n',
  };
  for (const [example, output] of Object.entries(captured)) {
    assert.ok(compareLessonOutput(example, output, 'whole').allowed, example);
    const lines = output.split('\n').slice(0, -1);
    assert.equal(compareLessonOutput(example, lines.slice(1).join('\n') + '\n', 'whole').allowed, false, `${example}: a lost line`);
    assert.equal(compareLessonOutput(example, [lines[lines.length - 1], ...lines.slice(0, -1)].join('\n') + '\n', 'whole').allowed, false, `${example}: the last line moved first`);
  }
  assert.equal(compareLessonOutput('s09_name_and_pid', 'PID 24145\nPiao-1 is piaoling\nPiao-1 piao end\n', 'whole', () => '24146').allowed, false, 'a traced run knows the pid');
  assert.ok(Object.keys(OUTPUT).length >= 8);
});
