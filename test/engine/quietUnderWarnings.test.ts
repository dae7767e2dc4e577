import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { alivePids, FIXTURES, run, runTraced, skipUnless, START_METHODS, testInterpreters } from './engineHelpers';

const PROGRAM = path.join(FIXTURES, 'quiet_under_warnings.py');

/** What the program prints plain: proof that each way of ending ran, not only that both runs agree. */
function expectedStdout(method: string, python: string): string {
  const forks = python !== '3.8';
  return [
    "dev mode True warnings ['default', 'error']",
    ...(forks ? ['os.fork child ran', 'os.fork child exit code 3'] : ['os.fork child left out on Python 3.8 under -X dev']),
    `${method} Process ran`,
    `${method} Process exit code 0`,
    'spawn Process ran',
    'spawn Process exit code 0',
    'Pool map [0, 1, 4, 9, 16, 25]',
    'Pool joined',
    'no threading: ran; threading imported: False',
    ...(forks
      ? ['no threading: os.fork child ran', 'no threading: os.fork child exit code 3']
      : ['no threading: os.fork child left out on Python 3.8 under -X dev']),
    'subprocess exit code 0',
    "the files hold ['mine\\n']",
    'subprocess exit code 0',
    'main done',
    '',
  ].join('\n');
}

// A program run with every warning on and made an error (-X dev -W error) prints the same
// traced as plain: whatever the tracer holds open in a process is never left for that
// process's shutdown to find. The tracer's connection as a socket object did that in a
// process that never imported threading: "Exception ignored in: <socket object…>".
for (const python of testInterpreters()) {
  const linuxOnly = process.platform !== 'linux' && 'needs Linux: reads /proc to see nothing left running; os.fork';
  describe(`the tracer prints nothing of its own under -X dev -W error (Python ${python.label})`, { concurrency: 3, skip: linuxOnly || skipUnless(python) }, () => {
    for (const method of START_METHODS) {
      test(`${method}: a Process, a Pool, an os.fork child leaving through sys.exit, spawned interpreters, descriptors closed under the tracer: the same stdout, stderr and exit code traced`, { timeout: 120_000 }, async () => {
        const command = [python.path!, '-X', 'dev', '-W', 'error', PROGRAM, method];
        // One after the other: two runs of forks and spawns at once on a busy machine can take long.
        const plain = await run(command[0], command.slice(1), { timeoutMs: 90_000 });
        assert.deepEqual(plain, { code: 0, stdout: expectedStdout(method, python.label), stderr: '' }, 'the plain run is as expected');
        const traced = await runTraced(command, { timeoutMs: 90_000 });
        assert.deepEqual({ code: traced.code, stdout: traced.stdout, stderr: traced.stderr }, plain, 'traced as plain');

        // The tracer was in every process, so each of them could have printed.
        const processes = traced.summary.processes;
        const forkChildren = python.label === '3.8' ? 0 : 2;
        assert.equal(processes.filter((p) => p.kind === 'mp-child').length, 5, 'three Processes and two Pool workers');
        assert.equal(processes.filter((p) => p.exitCode === 3).length, forkChildren, 'the os.fork children');
        assert.deepEqual(processes.filter((p) => !p.python || p.state !== 'exited').map((p) => p.name), [], 'every process ran Python and ended');
        assert.deepEqual(alivePids(processes.map((p) => p.pid)), [], 'nothing is left running');
      });
    }
  });

  test(`a fork beside a running thread warns where the program forked, as plain (-W default, Python ${python.label})`, { skip: (process.platform === 'win32' && 'needs POSIX: os.fork') || skipUnless(python), timeout: 60_000 }, async () => {
    const command = [python.path!, '-W', 'default', path.join(FIXTURES, 'fork_beside_thread.py')];
    const plain = await run(command[0], command.slice(1), { timeoutMs: 30_000 });
    const warns = python.label !== '3.8';
    // Python 3.12+ names the line that called os.fork(): the program's, and multiprocessing's.
    assert.equal(plain.stderr.match(/DeprecationWarning: This process .* is multi-threaded/g)?.length ?? 0, warns ? 2 : 0, plain.stderr);
    const traced = await runTraced(command, { timeoutMs: 30_000 });
    const samePids = (text: string) => text.replace(/pid=\d+/g, 'pid=N');
    assert.deepEqual(
      { code: traced.code, stdout: traced.stdout, stderr: samePids(traced.stderr) },
      { ...plain, stderr: samePids(plain.stderr) },
      'traced as plain',
    );
    assert.equal(traced.summary.processes.length, 3, 'the program and its two forks, traced');
  });
}
