'use strict';
// Runs only with VS Code's display language set to Simplified Chinese: a stuck run read in Chinese.

const assert = require('assert');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

const bundleZh = require('../../../l10n/bundle.l10n.zh-cn.json');

describe('为什么卡住了？ in Simplified Chinese', function () {
  this.timeout(60000);

  it('stuck_lock: 正在等待 Lock.acquire(), a deadlock row in Chinese, and Chinese stacks', async () => {
    const api = await vscode.extensions.getExtension('proclens.proclens').activate();
    await vscode.commands.executeCommand('workbench.view.extension.proclens');
    const model = api.tracker.model;
    const view = api.processesView;
    const runId = await vscode.commands.executeCommand('proclens.runExample', 'stuck_lock');
    try {
      const child = await until('Process-1', () => model.processesOf(runId).find((p) => p.name === 'Process-1' && p.identity));
      const waiting = bundleZh['waiting in {0}'].replace('{0}', 'Lock.acquire()');
      await until(`Process-1 to read ${waiting}`, () => view.getTreeItem(child).description.includes(waiting));
      const main = model.processesOf(runId).find((p) => p.kind === 'program');
      const warning = await until('the deadlock row', () => view.getChildren(main).find((node) => node.row === 'diagnosis'));
      const label = view.getTreeItem(warning).label;
      const sentence = bundleZh['Deadlock: every process of the run is waiting for another ({0}).'];
      assert.ok(label.startsWith(sentence.slice(0, sentence.indexOf('{0}'))), label);
      const uri = await vscode.commands.executeCommand('proclens.showStacks', model.run(runId));
      const text = (await vscode.workspace.openTextDocument(uri)).getText();
      assert.strictEqual(text.split('\n')[0], bundleZh['Python stacks of {0}'].replace('{0}', model.run(runId).command.join(' ')));
    } finally {
      await vscode.commands.executeCommand('proclens.stopRun', model.run(runId));
      await until('the run to finish', () => model.run(runId).state === 'finished', 15000);
      assert.deepStrictEqual(model.processesOf(runId).map((p) => p.pid).filter(alive), []);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
