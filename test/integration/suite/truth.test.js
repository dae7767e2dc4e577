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
