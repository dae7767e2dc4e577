import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { byName, FIXTURES, run, runTraced, scratchCliCopy, scratchFile, testInterpreters, WITH_START_METHOD } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const fixture = (name: string) => path.join(FIXTURES, name);

describe('what the engine sees beyond the examples', { concurrency: 4, skip: process.platform === 'win32' && 'needs POSIX: the fork and forkserver start methods, sleep, SIGKILL' }, () => {
  for (const method of ['fork', 'spawn', 'forkserver']) {
    test(`a grandchild hangs under the child that started it (${method})`, async () => {
      const traced = await runTraced([python, WITH_START_METHOD, method, fixture('grandchild.py')]);
      const names = byName(traced.summary);
      const child = names.get('child')!;
      const grandchild = names.get('grandchild')!;
      assert.equal(child.parentPid, traced.summary.run.topPid);
      assert.equal(grandchild.parentPid, child.pid);
      assert.deepEqual([grandchild.state, grandchild.exitCode, grandchild.startMethod], ['exited', 0, method]);
    });
  }

  for (const method of ['fork', 'spawn']) {
    test(`names, targets and timeouts that need escaping arrive intact (${method})`, async () => {
      const traced = await runTraced([python, fixture('odd_names.py'), method]);
      const [builtin, worker] = traced.summary.processes.filter((p) => p.kind === 'mp-child');
      assert.equal(builtin.name, '进程 "A" \\ 1\t');
      assert.deepEqual(builtin.target, { name: 'sleep', file: null, line: null });
      assert.equal(worker.name, 'worker "B" \\ 工人');
      assert.deepEqual(worker.formerNames, ['Worker-2']);
      assert.equal(worker.target.name, 'Worker');
      assert.match(worker.target.file, /odd_names\.py$/);
      assert.equal(typeof worker.target.line, 'number');
      assert.deepEqual([builtin.exitCode, worker.exitCode], [0, 0]);
      assert.equal(traced.summary.tracer.malformed, 0, 'every tracer message was valid JSON');
      const joins = traced.lines.filter((l) => l.type === 'process' && l.pid === traced.summary.run.topPid && l.joinTimeout === 2.5);
      assert.ok(joins.length > 0, 'the main process was seen joining with timeout 2.5');
    });
  }

  test('a non-Python child started with subprocess appears through the OS scan', { skip: process.platform !== 'linux' && 'needs Linux: the command line word by word is read from /proc (ps-list gives one string)' }, async () => {
    const traced = await runTraced([python, fixture('native_child.py')]);
    const sleep = byName(traced.summary).get('sleep');
    assert.ok(sleep, `sleep was seen: ${traced.summary.processes.map((p) => p.name)}`);
    assert.deepEqual([sleep.kind, sleep.python, sleep.parentPid], ['native', false, traced.summary.run.topPid]);
    assert.deepEqual(sleep.commandLine, ['sleep', '1.5']);
  });

  test('a child whose parent was killed is shown as an orphan under its original parent', async () => {
    const traced = await runTraced([python, fixture('orphan.py')]);
    const names = byName(traced.summary);
    const parent = names.get('doomed-parent')!;
    const orphan = names.get('orphaned')!;
    assert.deepEqual([parent.exitCode, parent.signal], [-9, 'SIGKILL']);
    assert.equal(orphan.parentPid, parent.pid, 'still drawn under its original parent');
    assert.equal(orphan.orphan, true);
    assert.notEqual(orphan.ppid, parent.pid, 're-parented by the OS');
    assert.equal(orphan.exitCode, 0);
  });

  test('a terminated child nobody has joined yet is a zombie, then exited −15 once collected', { skip: process.platform !== 'linux' && 'needs Linux: only the /proc scan sees zombies' }, async () => {
    const traced = await runTraced([python, fixture('zombie.py')]);
    const child = traced.summary.processes.find((p) => p.kind === 'mp-child')!;
    const states = traced.lines.filter((l) => l.type === 'process' && l.pid === child.pid).map((l) => l.state);
    assert.ok(states.includes('zombie'), `seen as a zombie: ${states.join(' → ')}`);
    assert.deepEqual([child.state, child.exitCode, child.signal], ['exited', -15, 'SIGTERM']);
    assert.match(traced.stdout, /exitcode: -15/);
  });

  test('with PYTHONDONTWRITEBYTECODE the tracer keeps its own bytecode, and only its own', async () => {
    // A copy of the CLI and tracer in a scratch folder: the test starts from a tracer with no
    // bytecode yet without deleting anything in the repository.
    const copy = scratchCliCopy();
    const main = scratchFile('main.py');
    try {
      const tag = (await run(python, ['-c', 'import sys; print(sys.implementation.cache_tag)'])).stdout.trim();
      const cached = path.join(copy.tracer, '__pycache__', `_proclens_tracer.${tag}.pyc`);
      assert.equal(fs.existsSync(cached), false, 'the copied tracer starts with no bytecode');
      fs.writeFileSync(path.join(path.dirname(main), 'helper.py'), 'VALUE = 42\n');
      fs.writeFileSync(main, 'import helper\nprint(helper.VALUE)\n');
      const traced = await runTraced([python, main], { cli: copy.cli, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
      assert.equal(traced.stdout.trim(), '42');
      assert.equal(byName(traced.summary).get('MainProcess')?.python, true, 'the copied tracer ran');
      assert.ok(fs.existsSync(cached), `${path.basename(cached)} was written`);
      assert.equal(fs.existsSync(path.join(path.dirname(main), '__pycache__')), false, 'the program’s own modules stay uncompiled on disk');
    } finally {
      fs.rmSync(copy.folder, { recursive: true, force: true });
      fs.rmSync(path.dirname(main), { recursive: true, force: true });
    }
  });

  test('exit codes pass through: a failing run() gives 1, sys.exit(3) gives 3', async () => {
    const command = [python, fixture('exit_codes.py')];
    const [plain, traced] = await Promise.all([run(command[0], command.slice(1)), runTraced(command)]);
    assert.equal(plain.code, 3);
    assert.equal(traced.code, 3);
    assert.equal(traced.stdout, plain.stdout);
    assert.equal(traced.stderr.includes('ValueError: on purpose'), true, 'the child’s traceback is shown');
    assert.equal(byName(traced.summary).get('failing')!.exitCode, 1);
    assert.equal(traced.summary.run.exitCode, 3);
  });

  test('a user sitecustomize.py still runs, and the tracer leaves sys.path as it was', async () => {
    const env = { ...process.env, PYTHONPATH: fixture('user_site') };
    const command = [python, fixture('print_path.py')];
    const [plain, traced] = await Promise.all([run(command[0], command.slice(1), { env }), runTraced(command, { env })]);
    assert.equal(plain.stdout, 'user sitecustomize ran\n[]\n');
    assert.equal(traced.stdout, plain.stdout);
    assert.equal(byName(traced.summary).get('MainProcess')?.python, true, 'and the tracer ran too');
  });

  test('the bundled CLI lists processes with ps-list too (ESM inside a CommonJS bundle)', async () => {
    const traced = await runTraced([python, fixture('native_child.py')], { cliArgs: ['--lister', 'ps-list'] });
    assert.equal(traced.code, 0, traced.stderr);
    assert.ok(byName(traced.summary).get('sleep'), 'ps-list found the sleep child');
  });

  test('a program that cannot start is a clear message and exit code 127', async () => {
    const traced = await runTraced(['/nonexistent/python3', 'x.py']);
    assert.equal(traced.code, 127);
    assert.match(traced.stderr, /"\/nonexistent\/python3" was not found/);
    assert.match(traced.summary.run.error, /was not found/);
  });
});
