import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { byName, FIXTURES, runTraced, skipUnless, START_METHODS, testInterpreters, TracedOutcome, WITH_START_METHOD } from './engineHelpers';

// Every process the program starts, however it starts it (os.fork, subprocess,
// multiprocessing, from threads, through exec), is one record in the summary,
// under the process that started it, with the exit code the OS gave it; marked
// orphan only when it outlived that process.

type Summary = TracedOutcome['summary'];
type Record = Summary['processes'][number];

const fixture = (name: string) => path.join(FIXTURES, name);
const withMethod = (python: string, method: string, name: string, ...args: string[]) => [python, WITH_START_METHOD, method, fixture(name), ...args];

/** Exactly one record per pid, and every one of them ended with the run. */
function onePerPid(summary: Summary): void {
  const pids = summary.processes.map((p) => p.pid);
  const twice = pids.filter((pid, i) => pids.indexOf(pid) !== i);
  assert.deepEqual(twice, [], `one record per pid: ${showAll(summary)}`);
  const running = summary.processes.filter((p) => p.state !== 'exited');
  assert.deepEqual(running.map((p) => `${p.pid} ${p.name} ${p.state}`), [], 'every process ended with the run');
}

/** Orphan exactly for the records named; helpers (fork server, resource tracker) may outlive the program or not. */
function orphansAre(summary: Summary, expected: readonly Record[]): void {
  const orphans = summary.processes.filter((p) => p.orphan && p.kind !== 'helper');
  assert.deepEqual(orphans.map(show).sort(), expected.map(show).sort(), 'orphans');
}

const show = (p: Record) => `${p.pid} ${p.name} (${p.kind}, under ${p.parentPid}, exit ${p.exitCode}, ${p.orphan ? 'orphan' : 'not orphan'})`;
const showAll = (summary: Summary) => summary.processes.map(show).join('; ');

const withPid = (summary: Summary, pid: number): Record => {
  const found = summary.processes.find((p) => p.pid === pid);
  assert.ok(found, `pid ${pid} is in the summary: ${showAll(summary)}`);
  return found;
};

const named = (summary: Summary, name: string): Record => {
  const found = byName(summary).get(name);
  assert.ok(found, `${name} is in the summary: ${showAll(summary)}`);
  return found;
};

/** The only record whose command line ends with these words. */
const ranCommand = (summary: Summary, ...tail: string[]): Record => {
  const found = summary.processes.filter((p) => p.commandLine && p.commandLine.slice(-tail.length).join(' ') === tail.join(' '));
  assert.equal(found.length, 1, `one process ran "${tail.join(' ')}": ${showAll(summary)}`);
  return found[0];
};

/** Whether any scan saw `pid` as a zombie: only then could the OS tell an exit code nobody collected. */
const seenAsZombie = (traced: TracedOutcome, pid: number) => traced.lines.some((l) => l.type === 'process' && l.pid === pid && l.state === 'zombie');

/** The exit code a child nobody of the run collected can have: the zombie's, if a scan saw one, else unknown. */
const uncollectedCode = (traced: TracedOutcome, pid: number, code: number) => (seenAsZombie(traced, pid) ? code : null);

for (const interpreter of testInterpreters()) {
  const python = interpreter.path ?? 'python3';
  const skip = skipUnless(interpreter);
  const label = interpreter.label;

  describe(`every process told truly (${label})`, { concurrency: 4, skip: process.platform !== 'linux' && 'needs Linux: exit codes nobody collected are read from zombies in /proc; os.fork' }, () => {
    test(`a subprocess nobody waits for: one record, its exit code only if a scan saw the zombie (${label})`, { skip }, async () => {
      const traced = await runTraced([python, fixture('unwaited_popen.py'), 'exit']);
      const { summary } = traced;
      onePerPid(summary);
      const sleep = ranCommand(summary, 'sleep', '0.5');
      assert.equal(traced.stdout.trim(), `sleep ${sleep.pid}`);
      assert.deepEqual([sleep.kind, sleep.parentPid], ['native', summary.run.topPid]);
      assert.equal(sleep.exitCode, uncollectedCode(traced, sleep.pid, 0), show(sleep));
      orphansAre(summary, []);
    });

    test(`a subprocess collected only by Popen.__del__ at exit: exit code 0 (${label})`, { skip }, async () => {
      const traced = await runTraced([python, fixture('unwaited_popen.py'), 'return']);
      const { summary } = traced;
      onePerPid(summary);
      const sleep = ranCommand(summary, 'sleep', '0.5');
      assert.deepEqual([sleep.parentPid, sleep.exitCode], [summary.run.topPid, 0], show(sleep));
      orphansAre(summary, []);
    });

    test(`os.fork() called by the program: "fork of MainProcess", Python, exit 3 (${label})`, { skip }, async () => {
      const traced = await runTraced([python, fixture('direct_fork.py')]);
      const { summary } = traced;
      onePerPid(summary);
      assert.equal(summary.processes.length, 2, showAll(summary));
      const child = named(summary, 'fork of MainProcess');
      assert.equal(traced.stdout.trim(), `child ${child.pid} exit 3`);
      assert.deepEqual([child.kind, child.python, child.parentPid, child.exitCode], ['python', true, summary.run.topPid, 3], show(child));
      orphansAre(summary, []);
    });

    for (const method of START_METHODS) {
      test(`subprocess.run() of a Python program with two Processes of its own (${method}, ${label})`, { skip }, async () => {
        const { summary } = await runTraced([python, fixture('subprocess_mp.py'), method]);
        onePerPid(summary);
        // Forked Processes share their parent's command line: find mp_pair.py as their parent.
        const pair = withPid(summary, named(summary, 'pair-1').parentPid);
        assert.deepEqual(pair.commandLine.slice(-2), [fixture('mp_pair.py'), method], show(pair));
        assert.deepEqual([pair.name, pair.python, pair.parentPid, pair.exitCode], ['mp_pair.py', true, summary.run.topPid, 0], show(pair));
        for (const name of ['pair-1', 'pair-2']) {
          const child = named(summary, name);
          assert.deepEqual([child.kind, child.parentPid, child.exitCode], ['mp-child', pair.pid, 0], show(child));
        }
        orphansAre(summary, []);
      });

      test(`children SIGKILLed as soon as start() returns: each one record, named by its parent, exit −9 (${method}, ${label})`, { skip }, async () => {
        const traced = await runTraced(withMethod(python, method, 'killed_at_birth.py'));
        const { summary } = traced;
        onePerPid(summary);
        assert.equal(traced.stdout.trim(), Array(20).fill('-9').join(' '));
        const children = summary.processes.filter((p) => p.kind === 'mp-child');
        assert.deepEqual(children.map((p) => p.name).sort(), Array.from({ length: 20 }, (_, i) => `Process-${i + 1}`).sort(), showAll(summary));
        for (const child of children) {
          assert.deepEqual([child.parentPid, child.exitCode, child.signal], [summary.run.topPid, -9, 'SIGKILL'], show(child));
        }
        orphansAre(summary, []);
      });

      test(`the program SIGKILLs its child: the child's zombies and its orphan are each one record (${method}, ${label})`, { skip }, async () => {
        const traced = await runTraced(withMethod(python, method, 'killed_middle.py'));
        const { summary } = traced;
        onePerPid(summary);
        const middle = named(summary, 'middle');
        assert.deepEqual([middle.parentPid, middle.exitCode, middle.signal], [summary.run.topPid, -9, 'SIGKILL'], show(middle));
        const done = ranCommand(summary, 'true');
        const forked = named(summary, 'fork of middle');
        const sleeping = ranCommand(summary, 'sleep', '1.5');
        for (const child of [done, forked, sleeping]) {
          assert.equal(child.parentPid, middle.pid, `drawn under middle: ${show(child)}`);
        }
        assert.equal(done.exitCode, uncollectedCode(traced, done.pid, 0), show(done));
        assert.equal(forked.exitCode, uncollectedCode(traced, forked.pid, 4), show(forked));
        // Collected by init, after middle died: nobody in the run can know its code, unless a scan saw its zombie.
        assert.equal(sleeping.exitCode, uncollectedCode(traced, sleeping.pid, 0), show(sleeping));
        orphansAre(summary, [sleeping]);
      });

      test(`a Pool(2) mapped, closed and joined, then a Manager shut down (${method}, ${label})`, { skip }, async () => {
        const { summary } = await runTraced(withMethod(python, method, 'pool_manager.py'));
        onePerPid(summary);
        const workers = summary.processes.filter((p) => /PoolWorker-\d+$/.test(p.name));
        const managers = summary.processes.filter((p) => /^SyncManager-\d+$/.test(p.name));
        assert.equal(workers.length, 2, showAll(summary));
        assert.equal(managers.length, 1, showAll(summary));
        for (const child of [...workers, ...managers]) {
          assert.deepEqual([child.kind, child.parentPid, child.exitCode], ['mp-child', summary.run.topPid, 0], show(child));
        }
        orphansAre(summary, []);
      });

      test(`a Process that execs sleep: one record, exit 0 (${method}, ${label})`, { skip }, async () => {
        const traced = await runTraced(withMethod(python, method, 'exec_child.py', 'process'));
        const { summary } = traced;
        onePerPid(summary);
        const child = named(summary, 'execs');
        assert.deepEqual([child.parentPid, child.exitCode], [summary.run.topPid, 0], show(child));
        assert.equal(traced.stdout.trim(), 'exit 0');
        orphansAre(summary, []);
      });

      test(`four threads each start five Processes and five subprocesses at once (${method}, ${label})`, { skip, timeout: 60_000 }, async () => {
        const traced = await runTraced(withMethod(python, method, 'threads_start.py'));
        const { summary } = traced;
        onePerPid(summary);
        for (let t = 0; t < 4; t++) {
          for (let j = 0; j < 5; j++) {
            const child = named(summary, `t${t}-p${j}`);
            assert.deepEqual([child.kind, child.parentPid, child.exitCode], ['mp-child', summary.run.topPid, 10 + 5 * t + j], show(child));
          }
        }
        const popens = [...traced.stdout.matchAll(/^popen (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
        assert.equal(popens.length, 20, traced.stdout);
        for (const [pid, code] of popens) {
          const child = withPid(summary, pid);
          assert.deepEqual([child.parentPid, child.exitCode], [summary.run.topPid, code], show(child));
        }
        // A scan may find a subprocess between its fork and its exec, still a copy of Python.
        for (const [pid, code] of popens) {
          const child = withPid(summary, pid);
          assert.deepEqual([child.name, child.kind, child.commandLine], ['sh', 'native', ['sh', '-c', `sleep 0.1; exit ${code}`]], show(child));
        }
        // Each sh waits for its own sleep: none is left behind by its parent.
        orphansAre(summary, []);
      });
    }

    test(`a subprocess's own child, which it waits for, is no orphan (${label})`, { skip }, async () => {
      const traced = await runTraced([python, fixture('shell_child.py')]);
      const { summary } = traced;
      onePerPid(summary);
      const sh = ranCommand(summary, 'sh', '-c', 'sleep 0.3; exit 7');
      const sleep = ranCommand(summary, 'sleep', '0.3');
      assert.deepEqual([sh.parentPid, sh.exitCode], [summary.run.topPid, 7], show(sh));
      assert.equal(traced.stdout.trim(), 'sh exit 7');
      assert.equal(sleep.parentPid, sh.pid, show(sleep));
      // sh collects it: its code is the OS's secret unless a scan saw the zombie.
      assert.equal(sleep.exitCode, uncollectedCode(traced, sleep.pid, 0), show(sleep));
      orphansAre(summary, []);
    });

    test(`an os.fork() child that execs sleep: one record, exit 0 (${label})`, { skip }, async () => {
      const traced = await runTraced([python, fixture('exec_child.py'), 'fork']);
      const { summary } = traced;
      onePerPid(summary);
      assert.equal(summary.processes.length, 2, showAll(summary));
      const child = summary.processes.find((p) => p.pid !== summary.run.topPid)!;
      assert.deepEqual([child.parentPid, child.exitCode], [summary.run.topPid, 0], show(child));
      assert.equal(traced.stdout.trim(), 'exit 0');
      orphansAre(summary, []);
    });
  });
}
