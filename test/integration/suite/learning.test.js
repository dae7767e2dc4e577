'use strict';
// Issue #7 in a real extension host: the walkthrough's buttons, Follow a Running Process, the filter and the highlights.

const assert = require('assert');
const { spawn } = require('child_process');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

const manifest = require('../../../package.json');
const nls = require('../../../package.nls.json');
const examples = require('../../../examples/manifest.json').examples;

/** Every `[label](command:id?args)` link of the walkthrough's steps, as VS Code would run it. */
function walkthroughLinks() {
  const steps = manifest.contributes.walkthroughs[0].steps;
  return steps.flatMap((step) => {
    const text = nls[step.description.slice(1, -1)];
    return [...text.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map(([, command, args]) => ({
      step: step.id,
      command,
      args: args ? [JSON.parse(decodeURIComponent(args))].flat() : [],
    }));
  });
}

describe('the lesson walkthrough', function () {
  this.timeout(60000);
  let api;
  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  it('has a run button for every program of the lesson, each naming a real example', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const links = walkthroughLinks();
    const run = links.filter((l) => l.command === 'proclens.runExample').map((l) => l.args[0]);
    assert.deepStrictEqual([...run].sort(), examples.map((e) => e.id).sort(), 'one button per example');
    assert.deepStrictEqual(links.filter((l) => !registered.has(l.command)), []);
  });

  it('opens from its command, and its first button starts §6', async () => {
    await vscode.commands.executeCommand('proclens.openWalkthrough');
    const tab = await until('the walkthrough tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /^Walkthrough/.test(t.label)));
    assert.ok(tab);
    const [first] = walkthroughLinks();
    assert.deepStrictEqual(first, { step: 'start', command: 'proclens.runExample', args: ['s06_start_four_processes'] });
    const runId = await vscode.commands.executeCommand(first.command, ...first.args);
    const run = await until('the §6 run to finish', () => api.tracker.model.run(runId).state === 'finished' && api.tracker.model.run(runId));
    assert.strictEqual(run.exitCode, 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Follow a Running Process (proclens.attach) on a process ProcLens did not start', function () {
  this.timeout(60000);
  let api;
  let realAsk;
  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
    realAsk = api.testSeams.ask;
  });

  it('follows a sleep started elsewhere, sees its child come and go, and terminates it after confirmation', async () => {
    // A shell that starts a child of its own a moment later: the scan must find it under the followed process.
    // The first sleep lasts 3 s: a quiet scan backs off to 4 × 500 ms, and on a busy machine
    // following it can take most of a second (with `sleep 1` one run here missed it).
    const outsider = spawn('sh', ['-c', 'sleep 3; sleep 30 & wait'], { stdio: 'ignore' });
    try {
      const run = await vscode.commands.executeCommand('proclens.attach', outsider.pid);
      assert.ok(run && run.attached, 'a run marked attached (followed, not started by ProcLens)');
      const model = api.tracker.model;
      assert.match(api.processesView.getTreeItem(run).contextValue, /^run\.attached\.live$/);
      // The first, short sleep comes and goes too; the one to terminate is `sleep 30`.
      const sleeper = await until('the sleep 30 child', () => model.processesOf(run.id).find((p) => p.commandLine?.[1] === '30' && p.state === 'running'));
      assert.strictEqual(sleeper.parentPid, outsider.pid);
      assert.ok(model.processesOf(run.id).some((p) => p.commandLine?.[1] === '3'), 'the short sleep was seen too');
      // The modal is asked for real, through the test seam: the person presses "Send SIGTERM".
      const asked = [];
      api.testSeams.ask = async (message, ...buttons) => (asked.push(message), buttons[0]);
      await vscode.commands.executeCommand('proclens.terminate', sleeper);
      await until('the sleep to be gone', () => sleeper.state === 'exited' && !alive(sleeper.pid));
      const top = model.get(run.topKey);
      await vscode.commands.executeCommand('proclens.terminate', top);
      await until('the followed run to finish', () => model.run(run.id).state === 'finished');
      assert.strictEqual(alive(outsider.pid), false);
      assert.strictEqual(asked.length, 2, 'asked once for each');
      assert.match(asked[0], new RegExp(`did not start .*PID ${sleeper.pid}.*SIGTERM`));
    } finally {
      api.testSeams.ask = realAsk;
      outsider.kill('SIGKILL');
    }
  });

  it('leaves followed processes running when the window closes (only runs it started are stopped)', async () => {
    const outsider = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const run = await vscode.commands.executeCommand('proclens.attach', outsider.pid);
      await api.sessions.stopAll(200);
      assert.strictEqual(alive(outsider.pid), true);
      assert.strictEqual(api.tracker.model.run(run.id).state, 'live');
    } finally {
      outsider.kill('SIGKILL');
    }
  });
});

describe('the Processes view filter and highlights', function () {
  this.timeout(60000);
  let api;
  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });
  after(() => vscode.commands.executeCommand('proclens.clearFilter'));

  const rows = (node) => api.processesView.getChildren(node);
  const names = (runId) => {
    const walk = (node) => rows(node).flatMap((child) => [child.name, ...walk(child)]);
    return walk(api.tracker.model.run(runId));
  };

  it('narrows the tree to daemons, to a name, to a PID, and shows everything again', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's10_daemon');
    await until('the run to finish', () => api.tracker.model.run(runId).state === 'finished');
    const daemon = api.tracker.model.processesOf(runId).find((p) => p.daemon);
    assert.deepStrictEqual(names(runId).sort(), ['MainProcess', daemon.name].sort());

    await vscode.commands.executeCommand('proclens.filter', 'daemon');
    assert.deepStrictEqual(names(runId), ['MainProcess', daemon.name], 'the daemon, under its parent');
    assert.strictEqual(api.processesView.filter.state, 'daemon');

    await vscode.commands.executeCommand('proclens.filter', 'zombie');
    assert.deepStrictEqual(names(runId), []);

    await vscode.commands.executeCommand('proclens.filter', String(daemon.pid));
    assert.deepStrictEqual(names(runId), ['MainProcess', daemon.name]);

    await vscode.commands.executeCommand('proclens.filter', 'alive');
    assert.deepStrictEqual(names(runId), []);

    await vscode.commands.executeCommand('proclens.clearFilter');
    assert.strictEqual(api.processesView.filter, undefined);
    assert.deepStrictEqual(names(runId).sort(), ['MainProcess', daemon.name].sort());
  });

  it('colours a process that just started, then one that just exited, and neither once the moment has passed', async () => {
    const decoration = (record) => {
      const item = api.processesView.getTreeItem(record);
      return api.decorations.provideFileDecoration(item.resourceUri)?.color?.id;
    };
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's06_start_four_processes');
    const child = await until('a child', () => api.tracker.model.processesOf(runId).find((p) => p.kind === 'mp-child' && p.state === 'running'));
    assert.strictEqual(decoration(child), 'proclens.startedHighlight');
    await until('the child to exit', () => child.state === 'exited');
    assert.strictEqual(decoration(child), 'proclens.exitedHighlight');
    await vscode.workspace.getConfiguration('proclens').update('highlightChanges', false, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(decoration(child), undefined, 'the setting turns it off');
    } finally {
      await vscode.workspace.getConfiguration('proclens').update('highlightChanges', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('the highlight to pass', () => decoration(child) === undefined, 6000);
  });
});
