import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test, TestContext } from 'node:test';
import { ProcessTracker } from '../../src/core/tracking/processTracker';
import { byName, EXAMPLES, FIXTURES, REPO, run, runTraced, testInterpreters } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const scratchFolders: string[] = [];
/** A new folder under the OS temp folder, removed once the file's tests are done. */
const scratch = () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-bad-'));
  scratchFolders.push(folder);
  return folder;
};
after(() => scratchFolders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** A tracker disposed when the test ends, passed or not: disposing closes its EventServer, which removes its folders. */
function trackerFor(t: TestContext): ProcessTracker {
  const tracker = new ProcessTracker({ tracerDirectory: path.join(REPO, 'tracer'), scanIntervalMs: 100 });
  t.after(() => tracker.dispose());
  return tracker;
}

describe('bad input: a clear result, nothing lost', { concurrency: 4 }, () => {
  test('a missing script: Python’s own message, exit 2, and the run is recorded as exited 2', async () => {
    const traced = await runTraced([python, '/nonexistent/script.py']);
    assert.equal(traced.code, 2);
    assert.match(traced.stderr, /can't open file/);
    assert.equal(traced.summary.run.exitCode, 2);
  });

  test('a folder or a binary file given as the script: exit 1 with Python’s explanation', async () => {
    const folder = scratch();
    const binary = path.join(folder, 'binary.py');
    fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    const asFolder = await runTraced([python, folder]);
    const asBinary = await runTraced([python, binary]);
    assert.equal(asFolder.code, 1);
    assert.match(asFolder.stderr, /__main__/);
    assert.equal(asBinary.code, 1);
    assert.match(asBinary.stderr, /null bytes|SyntaxError|ValueError/);
  });

  test('a syntax error: exited 1, the traceback on stderr', async () => {
    const file = path.join(scratch(), 'broken.py');
    fs.writeFileSync(file, 'def broken(:\n    pass\n');
    const traced = await runTraced([python, file]);
    assert.equal(traced.code, 1);
    assert.match(traced.stderr, /SyntaxError/);
    assert.equal(traced.summary.processes[0].exitCode, 1);
  });

  test('paths with spaces and Chinese characters', async () => {
    const folder = path.join(scratch(), 'my lessons', '进程 示例');
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, '开启 四个进程.py');
    fs.copyFileSync(path.join(EXAMPLES, 's06_start_four_processes.py'), file);
    const traced = await runTraced([python, file], { cwd: folder });
    assert.equal(traced.code, 0, traced.stderr);
    const child = byName(traced.summary).get('Process-1')!;
    assert.equal(child.startSite.file, file);
    assert.equal(child.exitCode, 0);
  });

  test('50 MB printed quickly: every byte reaches the run’s output, none is lost', { timeout: 120_000 }, async (t) => {
    const tracker = trackerFor(t);
    const chunk = 'x'.repeat(1023);
    const tracked = await tracker.start({
      command: [python, '-c', `import sys\nfor _ in range(50 * 1024): sys.stdout.write(${JSON.stringify(chunk)} + "\\n")`],
      stdio: 'pipe',
    });
    let bytes = 0;
    tracked.program.on('stdout', (data) => (bytes += data.length));
    const run = await tracked.finished;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(run.exitCode, 0);
    assert.equal(bytes, 50 * 1024 * 1024);
  });

  test('a program that exits at once', async () => {
    const traced = await runTraced([python, '-c', 'pass']);
    assert.equal(traced.code, 0);
    assert.deepEqual(traced.summary.processes.map((p) => p.name), ['MainProcess']);
    assert.equal(traced.summary.run.state, 'finished');
  });

  test('500 processes in a second: every start and exit accounted for', { skip: process.platform === 'win32' && 'needs POSIX: the fixture uses the fork start method', timeout: 120_000 }, async () => {
    const traced = await runTraced([python, path.join(FIXTURES, 'fork_500.py')]);
    assert.equal(traced.code, 0, traced.stderr);
    assert.match(traced.stdout, /^500 exited 0$/m);
    const children = traced.summary.processes.filter((p) => p.kind === 'mp-child');
    assert.equal(children.length, 500);
    assert.ok(children.every((p) => p.exitCode === 0 && p.state === 'exited'));
    assert.deepEqual([traced.summary.tracer.malformed, traced.summary.tracer.oversized, traced.summary.tracer.rejected], [0, 0, 0]);
  });

  test('no command line goes through a shell: `;`, `$(...)` and `|` arrive as literal arguments', async () => {
    const marker = path.join(scratch(), 'must-not-exist');
    const args = ['; touch ' + marker, '$(touch ' + marker + ')', '| touch ' + marker, '`touch ' + marker + '`'];
    const traced = await runTraced([python, '-c', 'import sys, json; print(json.dumps(sys.argv[1:]))', ...args]);
    assert.deepEqual(JSON.parse(traced.stdout), args);
    assert.equal(fs.existsSync(marker), false);
  });
});

describe('the tracer never changes the program', { concurrency: 2 }, () => {
  test('it adds no thread and no atexit handler', async () => {
    const command = [python, path.join(FIXTURES, 'tracer_footprint.py')];
    const [plain, traced] = await Promise.all([run(command[0], command.slice(1)), runTraced(command)]);
    assert.equal(traced.stdout, plain.stdout);
    assert.match(traced.stdout, /non-daemon threads: \[\]/);
    assert.ok(traced.summary.processes.some((p) => p.kind === 'mp-child'), 'the tracer was active');
  });

  test('when the core goes away mid-run (editor restarted), the program goes on with the same output and exit code', async (t) => {
    const command = [python, path.join(FIXTURES, 'slow_printer.py')];
    const plain = await run(command[0], command.slice(1));
    const tracker = trackerFor(t);
    const tracked = await tracker.start({ command, stdio: 'pipe' });
    let stdout = '';
    tracked.program.on('stdout', (d) => (stdout += d));
    const code = new Promise<number | null>((resolve) => tracked.program.on('exit', resolve));
    while (!stdout.includes('first')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await tracked.events.close();
    assert.equal(await code, plain.code);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stdout, plain.stdout);
  });

  test('an unreachable core address is ignored: same output, same exit code', async () => {
    const command = [python, path.join(FIXTURES, 'slow_printer.py')];
    const env = { ...process.env, PYTHONPATH: path.join(REPO, 'tracer'), PROCLENS_ADDR: 'unix:/nonexistent/events.sock', PROCLENS_TOKEN: 'x' };
    const [plain, traced] = await Promise.all([run(command[0], command.slice(1)), run(command[0], command.slice(1), { env })]);
    assert.deepEqual([traced.code, traced.stdout, traced.stderr], [plain.code, plain.stdout, plain.stderr]);
  });

  test('the token is in no log line, no JSON line and no command line', async (t) => {
    const tracker = trackerFor(t);
    const logs: string[] = [];
    tracker.on('log', (_, message) => logs.push(message));
    const tracked = await tracker.start({ command: [python, path.join(EXAMPLES, 's06_data_isolation.py')], stdio: 'pipe' });
    await tracked.finished;
    const everything = JSON.stringify([logs, tracker.model.all(), tracker.model.runs()]);
    assert.ok(everything.length > 500);
    assert.equal(everything.includes(tracked.events.token), false);
  });
});
