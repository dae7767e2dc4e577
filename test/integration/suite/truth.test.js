'use strict';
// The tree tells only what the OS backs: an exiting child, and a claim on a process outside the run.

const assert = require('assert');
const { spawn, execFileSync } = require('child_process');
const path = require('path');
const vscode = require('vscode');
const { alive, screenshot, until } = require('./helpers');

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'python');
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

describe('the tree tells what the OS shows', function () {
  this.timeout(60000);
  let api;

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
    await vscode.commands.executeCommand('workbench.view.extension.proclens');
  });

  const start = async (file, ...args) => {
    const run = await api.sessions.start({ command: [python, path.join(fixtures, file), ...args], cwd: fixtures, label: file });
    assert.ok(run, `${file} started`);
    return run;
  };

  it('a child running its exit handlers reads "exiting", keeps Terminate, then exits when the OS says so', async () => {
    const run = await start('slow_atexit.py', 'spawn');
    const model = api.tracker.model;
    const child = await until('the child to be exiting', () => model.processesOf(run.id).find((p) => p.name === 'lingerer' && p.state === 'exiting'));
    const item = api.processesView.getTreeItem(child);
    assert.match(item.description, /^PID \d+ · exiting$/);
    assert.match(item.contextValue, /^process\.exiting/, 'the signal menus match it');
    assert.ok(alive(child.pid), 'the OS shows it running');
    await screenshot('truth-exiting');
    await until('the child to exit', () => child.state === 'exited', 15000);
    assert.strictEqual(child.exitCode, 0);
    await until('the run to finish', () => model.run(run.id).state === 'finished');
  });

  const rowsOf = (runId) => api.tracker.model.processesOf(runId).map((record) => ({ record, item: api.processesView.getTreeItem(record) }));

  it('os.fork() shows one "fork of MainProcess" row under MainProcess, with the exit code waitpid() collected', async () => {
    const run = await start('direct_fork.py');
    const model = api.tracker.model;
    await until('the run to finish', () => model.run(run.id).state === 'finished', 15000);
    const rows = rowsOf(run.id);
    assert.strictEqual(rows.length, 2, rows.map((r) => r.record.name).join(', '));
    const fork = rows.find((r) => r.record.name === 'fork of MainProcess');
    assert.ok(fork, 'the forked child has its row');
    assert.strictEqual(fork.record.parentKey, model.run(run.id).topKey);
    assert.match(fork.item.description, /^PID \d+ · exited 3 · \d+ ms$/, 'it lived about 0.3 s');
  });

  it('a killed middle process: its zombies and its orphan are one row each, orphan only where true', async () => {
    // The sleep outlives middle by about half a second: scan often enough to see it (the evidence of an orphan).
    const config = vscode.workspace.getConfiguration('proclens');
    await config.update('scanIntervalMs', 100, vscode.ConfigurationTarget.Global);
    const run = await start('with_start_method.py', 'fork', path.join(fixtures, 'killed_middle.py'));
    const model = api.tracker.model;
    try {
      await until('the run to finish', () => model.run(run.id).state === 'finished', 30000);
    } finally {
      await config.update('scanIntervalMs', undefined, vscode.ConfigurationTarget.Global);
    }
    const rows = rowsOf(run.id);
    const pids = rows.map((r) => r.record.pid);
    assert.strictEqual(new Set(pids).size, pids.length, `one row per process: ${pids.join(', ')}`);
    const middle = rows.find((r) => r.record.name === 'middle');
    assert.match(middle.item.description, /^PID \d+ · exited \u22129 \(SIGKILL\)$/);
    const orphans = rows.filter((r) => / · orphan$/.test(r.item.description)).map((r) => r.record.commandLine?.join(' '));
    assert.deepStrictEqual(orphans, ['sleep 1.5']);
  });

  it('a process outside the run that the run claims is not shown, and Stop Run leaves it alive', async () => {
    const outsider = spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
    try {
      const run = await start('claim_foreign.py');
      const model = api.tracker.model;
      await until('the program to say hello', () => model.find(run.id, run.program.pid)?.traced);
      run.program.write(`${outsider.pid}\n`);
      // Two scans at the default interval, and the first-sight look-up long before.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.strictEqual(model.find(run.id, outsider.pid), undefined);
      await vscode.commands.executeCommand('proclens.stopRun', model.run(run.id));
      await until('the run to finish', () => model.run(run.id).state === 'finished');
      assert.ok(alive(outsider.pid), 'the outsider is still alive');
    } finally {
      outsider.kill('SIGKILL');
    }
  });
});
