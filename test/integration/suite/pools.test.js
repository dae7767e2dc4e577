'use strict';
// Pools and executors in a real extension host: the pool examples' workers gathered under one
// row for their pool, under the process that created it; what each worker runs and has done;
// the counts adding up; multiprocessing's helpers explained, never orphans.

const assert = require('assert');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

describe('pools and executors', function () {
  this.timeout(90000);
  let api;
  const started = [];
  const model = () => api.tracker.model;
  const view = () => api.processesView;
  const rowOf = (node) => view().getTreeItem(node);
  const tooltipOf = (node) => {
    const item = view().resolveTreeItem(rowOf(node), node);
    return typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
  };
  const poolsUnder = (node) => view().getChildren(node).filter((child) => child.row === 'pool');

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
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
  });

  async function runExample(id) {
    const runId = await vscode.commands.executeCommand('proclens.runExample', id);
    assert.ok(runId, `${id} started`);
    started.push(runId);
    const main = await until(`${id}: MainProcess`, () => model().processesOf(runId).find((p) => p.kind === 'program' && p.identity));
    return { runId, main };
  }

  it('pool_map: one Pool row under MainProcess holds the three workers; each says what it runs; 12/12 done at the end', async () => {
    const { runId, main } = await runExample('pool_map');
    const pool = await until('the Pool row under MainProcess', () => poolsUnder(main)[0]);
    assert.strictEqual(rowOf(pool).label, 'Pool');
    assert.strictEqual(rowOf(pool).contextValue, 'pool.alive');
    assert.strictEqual(view().getParent(pool), main, 'the pool hangs under its creator');
    const workers = await until('three workers under the pool', () => {
      const children = view().getChildren(pool);
      return children.length === 3 && children;
    });
    assert.deepStrictEqual(
      workers.map((w) => w.name),
      ['ForkPoolWorker-1', 'ForkPoolWorker-2', 'ForkPoolWorker-3'],
    );
    workers.forEach((worker) => assert.strictEqual(view().getParent(worker), pool, `${worker.name} hangs under the pool`));
    await until('a worker running slow_square', () => workers.some((w) => /^PID \d+ · running slow_square\(\d+\) · [\d.]+ m?s · \d+ done · daemon$/.test(rowOf(w).description)));
    assert.match(rowOf(pool).description, /^3 workers · \d+\/12 done · \d running, longest [\d.]+ m?s$/);
    assert.match(tooltipOf(workers[0]), /Pool of MainProcess \(PID \d+\)/);

    await until(`run to finish`, () => model().run(runId).state === 'finished', 30000);
    assert.strictEqual(rowOf(pool).description, '3 workers, all exited · 12/12 done');
    assert.strictEqual(rowOf(pool).contextValue, 'pool.ended');
    const done = workers.map((w) => model().get(w.key).tasks.done);
    assert.strictEqual(done.reduce((a, b) => a + b, 0), 12, `tasks done per worker ${done}`);
    assert.match(tooltipOf(pool), /Submitted.*12/s);
  });

  it('pool_executor: a ProcessPoolExecutor row; the call that raised is counted, with its type', async () => {
    const { runId, main } = await runExample('pool_executor');
    await until(`run to finish`, () => model().run(runId).state === 'finished', 30000);
    const [pool] = poolsUnder(main);
    assert.ok(pool, 'the executor has a row');
    assert.strictEqual(rowOf(pool).label, 'ProcessPoolExecutor');
    assert.match(rowOf(pool).description, /^2 workers, all exited · (\d+)\/\1 done · 1 failed$/);
    assert.match(tooltipOf(pool), /ValueError ×1/);
  });

  it('pool_helpers: the fork server, the resource tracker and the Manager explained under MainProcess; replaced workers in the pool', async () => {
    const { runId, main } = await runExample('pool_helpers');
    await until(`run to finish`, () => model().run(runId).state === 'finished', 30000);
    const children = view().getChildren(main);
    const byName = (name) => children.find((c) => c.name === name);
    for (const [name, purpose] of [
      ['forkserver', /The fork server: started once/],
      ['resource_tracker', /The resource tracker: it removes the named semaphores/],
      ['SyncManager-1', /A Manager's server process/],
    ]) {
      const helper = byName(name);
      assert.ok(helper, `${name} is under MainProcess (${children.map((c) => c.name ?? c.row).join(', ')})`);
      assert.strictEqual(helper.orphan, false, `${name} is no orphan`);
      assert.doesNotMatch(rowOf(helper).description, /orphan/);
      assert.match(tooltipOf(helper), purpose);
    }
    const [pool] = poolsUnder(main);
    const workers = view().getChildren(pool);
    assert.ok(workers.length > 2, `maxtasksperchild=2 replaced workers: ${workers.map((w) => w.name)}`);
    assert.ok(workers.every((w) => model().get(w.key).tasks === undefined || model().get(w.key).tasks.done <= 2), 'none did more than 2 tasks');
    assert.strictEqual(
      workers.reduce((sum, w) => sum + (model().get(w.key).tasks?.done ?? 0), 0),
      6,
    );
    assert.match(rowOf(pool).description, /^\d+ workers, all exited · 6\/6 done$/);
  });
});
