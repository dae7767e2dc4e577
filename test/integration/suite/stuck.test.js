'use strict';
// "Why is it stuck?" in a real extension host: the stuck examples' rows say what each process
// waits for, a deadlock is a warning row, threads are rows, and Show Stacks opens their stacks.

const assert = require('assert');
const vscode = require('vscode');
const { alive, screenshot, until } = require('./helpers');

const manifest = require('../../../package.json');

describe('why is it stuck', function () {
  this.timeout(90000);
  let api;
  const started = [];
  const model = () => api.tracker.model;
  const view = () => api.processesView;
  const rowOf = (node) => view().getTreeItem(node);
  const rowsUnder = (node) => view().getChildren(node).map((child) => ({ node: child, item: rowOf(child) }));

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
    // Shown: a hidden view is not redrawn each second, and a deadlock is found on a redraw.
    await vscode.commands.executeCommand('workbench.view.extension.proclens');
  });

  afterEach(async () => {
    for (const runId of started.splice(0)) {
      if (model().run(runId).state === 'live') {
        await vscode.commands.executeCommand('proclens.stopRun', model().run(runId));
      }
      await until(`run ${runId} to finish`, () => model().run(runId).state === 'finished', 15000);
      assert.deepStrictEqual(model().processesOf(runId).map((p) => p.pid).filter(alive), [], 'nothing of the run is left');
    }
    await vscode.workspace.getConfiguration('proclens').update('showThreads', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Starts a stuck example; resolves to the run id, its program's record and its child Process-1. */
  async function runStuck(id) {
    const runId = await vscode.commands.executeCommand('proclens.runExample', id);
    assert.ok(runId, `${id} started`);
    started.push(runId);
    const main = await until(`${id}: MainProcess joining Process-1`, () =>
      model().processesOf(runId).find((p) => p.kind === 'program' && p.state === 'joining' && p.identity));
    const child = await until(`${id}: Process-1`, () => model().processesOf(runId).find((p) => p.name === 'Process-1' && p.identity));
    return { runId, main, child, file: model().run(runId).command[1] };
  }

  /** The Show Stacks document of `target` (a run or a process): its text and its links. */
  async function stacksOf(target) {
    const uri = await vscode.commands.executeCommand('proclens.showStacks', target);
    assert.ok(uri, 'Show Stacks opened a document');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.strictEqual(document.languageId, 'proclens-stacks');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), 'it is shown');
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', uri);
    return { uri, text: document.getText(), links };
  }

  const linkTo = (links, file, line) => links.find((l) => l.target.scheme === 'file' && l.target.fsPath === file && l.target.fragment === `L${line}`);

  it('stuck_queue_join: joining Process-1, whose Queue feeder still writes 1.0 MB; the deadlock under MainProcess; the stacks of both', async () => {
    const { runId, main, child, file } = await runStuck('stuck_queue_join');
    await until('Process-1 to say what it waits for', () => /^PID \d+ · exiting: Queue feeder still writing 1\.0 MB · [\d.]+ m?s$/.test(rowOf(child).description));
    assert.match(rowOf(main).description, /^PID \d+ · joining Process-1 · [\d.]+ m?s$/);

    const warning = await until('the deadlock row', () => rowsUnder(main).find((r) => r.node.row === 'diagnosis'));
    assert.strictEqual(rowsUnder(main)[0].item.id, warning.item.id, 'the warning is the first row under MainProcess');
    assert.match(warning.item.label, /^Deadlock: MainProcess \(PID \d+\) joins Process-1 \(PID \d+\), which cannot exit until the 1\.0 MB its Queue still holds are read\.$/);
    assert.strictEqual(warning.item.description, 'Read everything from the queue before join().');
    assert.strictEqual(warning.item.iconPath.id, 'warning');
    const badge = api.decorations.provideFileDecoration(rowOf(main).resourceUri);
    assert.strictEqual(badge?.badge, '!', 'MainProcess\'s row is marked');
    assert.strictEqual(badge.tooltip, warning.item.label);

    // Its duration ticks: the row alone is redrawn, not the whole tree.
    const redrawn = [];
    const listening = view().onDidChangeTreeData((nodes) => redrawn.push(nodes));
    try {
      await until('a redraw of Process-1 alone', () => redrawn.some((nodes) => Array.isArray(nodes) && nodes.includes(child)), 3000);
    } finally {
      listening.dispose();
    }

    const { text, links } = await stacksOf(model().run(runId));
    assert.match(text, /^\u26a0 Deadlock: MainProcess \(PID \d+\) joins Process-1/m, 'the deadlock comes first');
    assert.match(text, /^MainProcess {2}PID \d+ · joining Process-1 · [\d.]+ m?s$/m, 'a section for MainProcess');
    assert.match(text, /^ {2}Process-1 {2}PID \d+ · exiting: Queue feeder still writing 1\.0 MB/m, 'a section for Process-1, under it');
    assert.ok(text.includes(`File "${file}", line 27, in <module>`), `MainProcess is blocked in p.join(), line 27:\n${text}`);
    assert.match(text, /in _feed$/m, 'the feeder thread is writing to the pipe');
    assert.ok(linkTo(links, file, 27), 'the p.join() frame links to its line');

    const again = await vscode.commands.executeCommand('proclens.takeStacksAgain');
    assert.strictEqual(String(again), String(vscode.window.activeTextEditor.document.uri), 'Take Stacks Again refreshes the same document');

    await vscode.commands.executeCommand('proclens.stopRun', model().run(runId));
    await until('the run to finish', () => model().run(runId).state === 'finished', 15000);
    await until('the deadlock row to go', () => !rowsUnder(main).some((r) => r.node.row === 'diagnosis'), 5000);
    assert.strictEqual(await vscode.commands.executeCommand('proclens.showStacks', runId), undefined, 'nothing live: no document');
  });

  it('stuck_lock: Process-1 waiting in Lock.acquire() at line 17; every process waits for another; the stacks of Process-1 show report()', async () => {
    const { runId, main, child, file } = await runStuck('stuck_lock');
    await until('Process-1 waiting for the lock', () => /^PID \d+ · waiting in Lock\.acquire\(\) · [\d.]+ m?s$/.test(rowOf(child).description));
    assert.match(rowOf(main).description, /^PID \d+ · joining Process-1 · [\d.]+ m?s$/);
    const warning = await until('the deadlock row', () => rowsUnder(main).find((r) => r.node.row === 'diagnosis'));
    assert.match(warning.item.label, /^Deadlock: every process of the run is waiting for another \(MainProcess \(PID \d+\), Process-1 \(PID \d+\)\)\.$/);

    const tooltip = view().resolveTreeItem(rowOf(child), child).tooltip.value;
    assert.match(tooltip, /\| Waiting \| waiting in Lock\.acquire\(\) \|/);
    assert.match(tooltip, /\| Called at \| stuck\\_lock\.py:17 \|/);

    const { text, links } = await stacksOf(child);
    assert.match(text, /^Process-1 {2}PID \d+ · waiting in Lock\.acquire\(\)/m, 'only Process-1');
    assert.doesNotMatch(text, /^MainProcess/m);
    assert.ok(text.includes(`File "${file}", line 17, in report`), `Process-1 waits in report(), line 17:\n${text}`);
    assert.ok(linkTo(links, file, 17), 'the frame links to line 17');
    await screenshot('stuck-lock-stacks');
  });

  it('stuck_pool_dead_worker: MainProcess waits in Pool.map(), and the warning names the worker that died', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 'stuck_pool_dead_worker');
    started.push(runId);
    const main = await until('MainProcess', () => model().processesOf(runId).find((p) => p.kind === 'program' && p.identity));
    await until('MainProcess to wait for the results', () => /^PID \d+ · Pool\.map\(\) waiting for .+ · [\d.]+ m?s$/.test(rowOf(main).description));
    const warning = await until('the deadlock row', () => rowsUnder(main).find((r) => r.node.row === 'diagnosis'));
    const [, worker] = /^MainProcess \(PID \d+\) waits for results that (\w+-\d+) \(PID \d+\) will never send: it ended with exit code \u22129 while running square\(2\)\.$/.exec(warning.item.label) ?? [];
    assert.ok(worker, warning.item.label);
    const dead = model().processesOf(runId).find((p) => p.name === worker);
    // A Pool worker is a daemon, and says which task it died running (map's chunks are of one item here).
    assert.match(rowOf(dead).description, /^PID \d+ · exited \u22129 \(SIGKILL\) · died running square\(2\) · \d done · daemon$/);
  });

  it('stuck_threads, threads shown: each thread under its process with its name, daemon flag and wait', async () => {
    await vscode.commands.executeCommand('proclens.showThreads');
    assert.strictEqual(vscode.workspace.getConfiguration('proclens').get('showThreads'), true, 'Show Threads turns the setting on');
    const { main, child } = await runStuck('stuck_threads');
    const threadRows = (record) => rowsUnder(record).filter((r) => r.node.row === 'thread').map((r) => `${r.item.label}: ${r.item.description}`);
    const mainThreads = await until('the three threads of MainProcess', () => {
      const rows = threadRows(main);
      return rows.some((r) => r.startsWith('Collector: waiting in Event.wait()')) && rows;
    }).catch((error) => {
      throw new Error(`${error.message}; MainProcess shows:\n${rowsUnder(main).map((r) => `${r.item.label}: ${r.item.description}`).join('\n')}`);
    });
    assert.match(mainThreads[0], /^MainThread: main thread · joining Process-1 · [\d.]+ m?s$/);
    assert.ok(mainThreads.includes('Heartbeat: daemon thread · alive'), mainThreads.join('\n'));
    const childThreads = await until('Reader under Process-1', () => {
      const rows = threadRows(child);
      return rows.some((r) => /^Reader: waiting in Queue\.get\(\) · /.test(r)) && rows;
    });
    assert.match(childThreads[0], /^MainThread: main thread/);

    const heartbeat = rowsUnder(main).find((r) => r.item.label === 'Heartbeat');
    assert.strictEqual(heartbeat.item.contextValue, 'thread.alive.daemon');
    const tooltip = view().resolveTreeItem(heartbeat.item, heartbeat.node).tooltip.value;
    assert.match(tooltip, /\| Thread id \| 0x[0-9a-f]+ \|/);
    assert.match(tooltip, /\| Target \| beat \(stuck\\_threads\.py:\d+\) \|/);

    await vscode.commands.executeCommand('proclens.hideThreads');
    assert.deepStrictEqual(threadRows(main), [], 'Hide Threads takes them away');
  });

  it('no process command is offered on a thread or warning row', () => {
    const rowMenus = manifest.contributes.menus['view/item/context'].filter((m) => /viewItem/.test(m.when));
    const matches = (when, value) => {
      const regex = /viewItem =~ \/(.+)\/(?:\s|$)/.exec(when);
      const equal = /viewItem == ([\w.]+)/.exec(when);
      return regex ? new RegExp(regex[1]).test(value) : equal ? equal[1] === value : false;
    };
    for (const value of ['thread.alive.main', 'thread.alive.daemon', 'thread.ended', 'native-threads', 'earlier-threads', 'diagnosis.wait-cycle']) {
      assert.deepStrictEqual(rowMenus.filter((m) => matches(m.when, value)).map((m) => m.command), [], value);
    }
  });
});
