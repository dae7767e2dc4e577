'use strict';
// What must hold whatever goes wrong: bad interpreters, closing the window, trust.

const assert = require('assert');
const path = require('path');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

const manifest = require('../../../package.json');



describe('reliability', function () {
  this.timeout(60000);
  let api;
  const config = () => vscode.workspace.getConfiguration('proclens');

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  afterEach(async () => {
    await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
  });

  for (const [what, interpreter] of [['not found', '/nonexistent/python3'], ['not Python', '/bin/true']]) {
    it(`an interpreter that is ${what} starts nothing, and the extension keeps working`, async () => {
      await config().update('pythonPath', interpreter, vscode.ConfigurationTarget.Global);
      const runs = api.tracker.model.runs().length;
      const runId = await vscode.commands.executeCommand('proclens.runExample', 's06_data_isolation');
      assert.strictEqual(runId, undefined);
      assert.strictEqual(api.tracker.model.runs().length, runs, 'no run was added');
      await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
      const next = await vscode.commands.executeCommand('proclens.runExample', 's06_data_isolation');
      await until('the next run to finish', () => api.tracker.model.run(next).state === 'finished');
      assert.strictEqual(api.tracker.model.run(next).exitCode, 0);
    });
  }

  it('proclens.pythonPath cannot be set by a workspace, and running needs a trusted workspace', () => {
    assert.strictEqual(manifest.contributes.configuration.properties['proclens.pythonPath'].scope, 'machine');
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    const runners = manifest.contributes.commands.filter((c) => /\.(runExample|runFile|runFileWithArgs|runCommand|rerun)$/.test(c.command));
    assert.strictEqual(runners.length, 5);
    assert.ok(runners.every((c) => c.enablement === 'isWorkspaceTrusted'));
  });

  it('in an untrusted workspace every way to run is refused at run time, not only greyed out', async () => {
    // VS Code's test runner always trusts the workspace; the seam stands in for the answer of
    // vscode.workspace.isTrusted, and everything after it is what a person's click runs.
    const model = api.tracker.model;
    const earlier = await vscode.commands.executeCommand('proclens.runExample', 's06_data_isolation');
    await until('the trusted run to finish', () => model.run(earlier).state === 'finished');
    const realTrust = api.testSeams.workspaceTrusted;
    api.testSeams.workspaceTrusted = () => false;
    const runs = model.runs().length;
    try {
      // executeCommand ignores the manifest's enablement, as a walkthrough button or a command link does.
      assert.strictEqual(await vscode.commands.executeCommand('proclens.runExample', 's06_data_isolation'), undefined);
      const file = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 's06_data_isolation.py'));
      assert.strictEqual(await vscode.commands.executeCommand('proclens.runFile', file), undefined);
      assert.strictEqual(await vscode.commands.executeCommand('proclens.rerun', model.run(earlier)), undefined);
      assert.strictEqual(model.runs().length, runs, 'nothing was started');
    } finally {
      api.testSeams.workspaceTrusted = realTrust;
    }
    const next = await vscode.commands.executeCommand('proclens.rerun', model.run(earlier));
    assert.ok(next, 'trusted again, it runs');
    await until('the run to finish', () => model.run(next).state === 'finished');
  });

  it('deactivating the extension (window closing) stops every live run: nothing is left', async () => {
    process.env.PROCLENS_ECHO_PORT = '0';
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's07_socket_server');
    await until('the server to run', () => api.tracker.model.processesOf(runId).some((p) => p.python));
    const extension = vscode.extensions.getExtension('proclens.proclens');
    // The module the host loaded: its deactivate() is what runs when the window closes.
    const main = require(path.join(extension.extensionPath, 'dist', 'extension.js'));
    await main.deactivate();
    const pids = api.tracker.model.processesOf(runId).map((p) => p.pid);
    await until('every process to be gone', () => pids.every((pid) => !alive(pid)));
  });
});
