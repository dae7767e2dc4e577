'use strict';
// The timeline webview in a real VS Code: what it reports it drew, read back from its DOM.

const assert = require('assert');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

describe('the timeline', function () {
  this.timeout(60000);
  let api;
  const model = () => api.tracker.model;
  const finished = (runId) => until(`run ${runId} to finish`, () => model().run(runId).state === 'finished' && model().run(runId));
  const timelineTabs = (label) =>
    vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === `Timeline · ${label}`);

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('§9: the terminated child has a SIGTERM mark and ends with −15', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's09_terminate_is_alive');
    await finished(runId);
    await vscode.commands.executeCommand('proclens.showTimeline', runId);
    const egon = await until('the timeline to draw egon, terminated', () =>
      api.timelines.rendered(runId)?.lanes.find((lane) => lane.name === 'egon' && lane.marks.includes('SIGTERM') && lane.exitText?.includes('\u221215')),
    );
    assert.strictEqual(egon.exitText, '\u221215 SIGTERM');
    const [main] = api.timelines.rendered(runId).lanes;
    assert.strictEqual(main.name, 'MainProcess', 'the parent comes first');
    assert.strictEqual(main.pid, model().run(runId).topPid);
  });

  it('§8, shown while live: MainProcess joins its children (arrows), and all four exit 0', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's08_join_all');
    await vscode.commands.executeCommand('proclens.showTimeline', model().run(runId));
    const lanes = await until(
      'the timeline to draw the finished run',
      () => {
        const drawn = api.timelines.rendered(runId)?.lanes;
        const children = drawn?.filter((lane) => /^Process-\d$/.test(lane.name));
        return children?.length === 4 && children.every((lane) => lane.exitText === '0') && drawn.find((lane) => lane.name === 'MainProcess')?.joins >= 1 && drawn;
      },
      30000,
    );
    assert.ok(lanes[0].joins >= 1, `arrows from MainProcess: ${lanes[0].joins}`);
    await finished(runId);
    // Asked for again, from one of the run's processes: the same panel, not a second one.
    await vscode.commands.executeCommand('proclens.showTimeline', model().processesOf(runId)[0]);
    assert.strictEqual(timelineTabs('s08_join_all.py').length, 1);
  });

  it('stuck_lock, while it hangs: the child is blocked in Lock.acquire() until now, the parent in join(); the clock moves, the chart is not built again', async function () {
    this.timeout(90000);
    const runId = await vscode.commands.executeCommand('proclens.runExample', 'stuck_lock');
    try {
      await vscode.commands.executeCommand('proclens.showTimeline', runId);
      const drawn = await until(
        'the timeline to draw Process-1 blocked in Lock.acquire()',
        () => {
          const lanes = api.timelines.rendered(runId)?.lanes;
          return lanes?.find((lane) => lane.name === 'Process-1')?.openWaits.includes('Lock.acquire') && lanes;
        },
        30000,
      );
      const [main] = drawn;
      const child = drawn.find((lane) => lane.name === 'Process-1');
      assert.strictEqual(main.name, 'MainProcess');
      assert.deepStrictEqual([main.joining, main.joins], [1, 1], 'one join() stretch, its arrow to the child');
      assert.deepStrictEqual(child.openWaits, ['Lock.acquire']);
      assert.deepStrictEqual(main.openWaits, [], 'the parent holds the lock: it waits in join(), not in a call');
      // A deadlock is named once the waits have lasted a while: the clock brings it, not a change of the model.
      const marked = await until('the deadlock marked on MainProcess', () => {
        const report = api.timelines.rendered(runId);
        return report?.lanes[0].problems.includes('wait-cycle') && report;
      });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const later = api.timelines.rendered(runId);
      assert.ok(later.end >= marked.end + 1000, `the clock moved on: ${marked.end} → ${later.end}`);
      assert.strictEqual(later.renders, marked.renders, 'a model that did not change is not drawn again');
      assert.deepStrictEqual(later.lanes.find((lane) => lane.name === 'Process-1').openWaits, ['Lock.acquire']);
    } finally {
      await vscode.commands.executeCommand('proclens.stopRun', model().run(runId));
      await finished(runId);
    }
    const pids = model().processesOf(runId).map((p) => p.pid);
    assert.deepStrictEqual(pids.filter(alive), [], 'Stop Run left nothing running');
    const stopped = await until('the stopped run drawn', () => {
      const report = api.timelines.rendered(runId);
      return report?.lanes.every((lane) => lane.openWaits.length === 0) && report;
    });
    assert.deepStrictEqual(stopped.lanes[0].problems, [], 'a finished run has no deadlock left');
  });
});
