'use strict';
// Runs only with VS Code's display language set to Simplified Chinese
// (runIntegrationTests.js --locale zh-cn): what a person reading Chinese sees.

const assert = require('assert');
const vscode = require('vscode');
const { screenshot, until } = require('./helpers');

const nlsZh = require('../../../package.nls.zh-cn.json');
const bundleZh = require('../../../l10n/bundle.l10n.zh-cn.json');

const hasChinese = (text) => /[\u4e00-\u9fff]/.test(text);

describe('ProcLens in Simplified Chinese', function () {
  this.timeout(60000);
  let api;
  let extension;
  before(async () => {
    extension = vscode.extensions.getExtension('proclens.proclens');
    api = await extension.activate();
  });

  it('VS Code runs in zh-cn', () => {
    assert.strictEqual(vscode.env.language, 'zh-cn');
  });

  it('command titles, views and the walkthrough come from package.nls.zh-cn.json', () => {
    const title = (id) => extension.packageJSON.contributes.commands.find((c) => c.command === id).title;
    const text = (value) => (typeof value === 'string' ? value : value.value);
    assert.strictEqual(text(title('proclens.runExample')), nlsZh['command.runExample']);
    assert.strictEqual(text(title('proclens.showTimeline')), nlsZh['command.showTimeline']);
    assert.ok(hasChinese(text(title('proclens.terminate'))), text(title('proclens.terminate')));
    const walkthrough = extension.packageJSON.contributes.walkthroughs[0];
    assert.strictEqual(text(walkthrough.title), nlsZh['walkthrough.title']);
  });

  it('a tree row of the §9 example reads in Chinese: 已退出 −15 (SIGTERM)', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's09_terminate_is_alive');
    const model = api.tracker.model;
    await until('the run to finish', () => model.run(runId).state === 'finished');
    const child = model.processesOf(runId).find((p) => p.kind === 'mp-child');
    assert.strictEqual(child.exitCode, -15);
    const description = api.processesView.getTreeItem(child).description;
    const exited = bundleZh['exited {0} ({1})'].replace('{0}', '\u221215').replace('{1}', 'SIGTERM');
    assert.ok(description.endsWith(exited), `${description} ends with ${exited}`);
    assert.ok(hasChinese(description), description);
    const runRow = api.processesView.getTreeItem(model.run(runId));
    assert.ok(hasChinese(runRow.description), runRow.description);

    // What a person reading Chinese sees: the ProcLens side bar and the run's timeline.
    await vscode.commands.executeCommand('workbench.view.extension.proclens');
    await vscode.commands.executeCommand('proclens.showTimeline', runId);
    const report = await until('the timeline to be drawn', () => api.timelines.rendered(runId));
    assert.ok(report.lanes.some((lane) => lane.marks.includes('SIGTERM')), JSON.stringify(report));
    await screenshot('zh-cn');
  });
});
