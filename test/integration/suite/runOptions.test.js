'use strict';
// Where and with what Run Python File runs a file of the workspace: the folder (proclens.runIn),
// the arguments (proclens.args, else the last answer to Run Python File with Arguments…), the
// variables (proclens.envFile, then proclens.env over them), and what the run's hover says.

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { endRuns, until } = require('./helpers');

const PROGRAM = path.join(__dirname, '..', '..', 'fixtures', 'python', 'print_run.py');
const SETTINGS = ['runIn', 'args', 'env', 'envFile'];

describe('where and with what a file runs', function () {
  this.timeout(60000);
  let api;
  let workspaceFolder;
  /** A folder made for these tests inside the workspace folder, so the two folders differ. */
  let folder;
  let file;
  const started = [];
  const model = () => api.tracker.model;
  const config = () => vscode.workspace.getConfiguration('proclens');
  // os.getcwd() answers with symbolic links resolved.
  const real = (p) => fs.realpathSync(p);

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
    workspaceFolder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    folder = fs.mkdtempSync(path.join(workspaceFolder, 'runoptions-'));
    file = vscode.Uri.file(path.join(folder, 'print_run.py'));
    fs.copyFileSync(PROGRAM, file.fsPath);
  });

  afterEach(async () => {
    for (const key of SETTINGS) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await endRuns(model(), started.splice(0));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** Reads what print_run.py prints of run `runId`: its folder, its arguments and its RUNOPTS_ variables. */
  async function report(runId) {
    assert.ok(runId, 'a run was started');
    started.push(runId);
    const program = api.tracker.find(runId).program;
    let output = '';
    program.on('stdout', (data) => (output += data));
    // It prints only after this line, so nothing it prints can come before the listener.
    program.write('go\n');
    // In a terminal, lines end in \r\n, and the typed line is echoed before the report.
    const line = await until('its report', () => /^\{.*\}\r?$/m.exec(output)?.[0]);
    await until(`run ${runId} to finish`, () => model().run(runId).state === 'finished');
    assert.strictEqual(model().run(runId).exitCode, 0);
    return JSON.parse(line);
  }

  const runFile = async () => report(await vscode.commands.executeCommand('proclens.runFile', file));

  /** Run Python File with Arguments…, its question answered with what it offers (the quick input's own Enter). */
  async function runWithOfferedArguments() {
    let runId;
    let answered = false;
    const command = vscode.commands.executeCommand('proclens.runFileWithArgs', file).then((id) => {
      runId = id;
      answered = true;
    });
    // The input box opens at a moment the test cannot see: press Enter until the command has its answer.
    await until('the question to be answered', () => {
      if (!answered) {
        void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      return answered;
    });
    await command;
    return report(runId);
  }

  it('an untrusted workspace’s settings cannot add variables; each folder may set its own', () => {
    const manifest = require('../../../package.json');
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.ok(['proclens.env', 'proclens.envFile'].every((key) => restricted.includes(key)), String(restricted));
    const properties = manifest.contributes.configuration.properties;
    assert.deepStrictEqual(SETTINGS.map((key) => properties[`proclens.${key}`].scope), ['resource', 'resource', 'resource', 'resource']);
  });

  it('runs in the workspace folder, or in the file’s folder with proclens.runIn = fileFolder', async () => {
    assert.strictEqual((await runFile()).cwd, real(workspaceFolder));
    await config().update('runIn', 'fileFolder', vscode.ConfigurationTarget.Global);
    assert.strictEqual((await runFile()).cwd, real(folder));
  });

  it('runs with the proclens.args entry, else with the arguments last given to Run with Arguments…', async () => {
    const key = `${path.basename(folder)}/print_run.py`;
    assert.deepStrictEqual((await runFile()).argv, [], 'no arguments at first');

    await config().update('args', { [key]: "--port 9000 'two words'" }, vscode.ConfigurationTarget.Global);
    assert.deepStrictEqual((await runFile()).argv, ['--port', '9000', 'two words']);
    // Nothing answered yet: the question offers the setting's arguments, and remembers them.
    assert.deepStrictEqual((await runWithOfferedArguments()).argv, ['--port', '9000', 'two words']);

    // The setting comes first for a plain Run...
    await config().update('args', { [key]: '--from-setting' }, vscode.ConfigurationTarget.Global);
    assert.deepStrictEqual((await runFile()).argv, ['--from-setting']);
    // ...and the last answer first for the question.
    assert.deepStrictEqual((await runWithOfferedArguments()).argv, ['--port', '9000', 'two words']);

    // With no entry, a plain Run uses the remembered answer.
    await config().update('args', undefined, vscode.ConfigurationTarget.Global);
    assert.deepStrictEqual((await runFile()).argv, ['--port', '9000', 'two words']);
  });

  describe('with a .env file and proclens.env', () => {
    let envFile;

    beforeEach(async () => {
      envFile = path.join(folder, 'test.env');
      fs.writeFileSync(
        envFile,
        [
          '# written by runOptions.test.js',
          'RUNOPTS_FROM_FILE=file-value',
          'export RUNOPTS_OVERRIDDEN="from the file"',
          "RUNOPTS_SECRET='s3cr3t-value'",
          'a line it cannot read',
          'RUNOPTS_EXPANDED=${RUNOPTS_FROM_FILE}-expanded',
        ].join('\r\n'),
      );
      // `${workspaceFolder}` as in the default, `${workspaceFolder}/.env`.
      await config().update('envFile', `\${workspaceFolder}/${path.basename(folder)}/test.env`, vscode.ConfigurationTarget.Global);
      await config().update('env', { RUNOPTS_OVERRIDDEN: 'from settings', RUNOPTS_FOLDER: '${workspaceFolderBasename}' }, vscode.ConfigurationTarget.Global);
    });

    afterEach(() => fs.rmSync(envFile, { force: true }));

    const expected = () => ({
      RUNOPTS_FROM_FILE: 'file-value',
      RUNOPTS_OVERRIDDEN: 'from settings',
      RUNOPTS_SECRET: 's3cr3t-value',
      RUNOPTS_EXPANDED: 'file-value-expanded',
      RUNOPTS_FOLDER: path.basename(workspaceFolder),
    });

    it('the run adds the file’s variables, proclens.env’s over them; the hover names them and shows no value', async () => {
      await config().update('args', { [file.fsPath]: '--verbose' }, vscode.ConfigurationTarget.Global);
      const runId = await vscode.commands.executeCommand('proclens.runFile', file);
      await report(runId);
      const request = api.sessions.request(runId);
      assert.deepStrictEqual(request.env, expected());
      assert.strictEqual(request.envFile, envFile);
      assert.strictEqual(request.python, request.command[0]);

      // What a person reads, without the Markdown escapes.
      const tooltip = api.processesView.getTreeItem(model().run(runId)).tooltip.value.replace(/\\(.)/g, '$1');
      for (const shown of [request.python, 'Arguments: `--verbose`', envFile, ...Object.keys(expected())]) {
        assert.ok(tooltip.includes(shown), `the hover shows ${shown}:\n${tooltip}`);
      }
      for (const value of ['file-value', 'from settings', 'from the file', 's3cr3t-value']) {
        assert.ok(!tooltip.includes(value), `the hover hides the value ${value}:\n${tooltip}`);
      }
    });

    it('the program sees them in os.environ', async () => {
      assert.deepStrictEqual((await runFile()).env, expected());
    });

    it('a missing .env file adds only proclens.env, and the run says no file', async () => {
      fs.rmSync(envFile);
      const runId = await vscode.commands.executeCommand('proclens.runFile', file);
      await report(runId);
      assert.deepStrictEqual(api.sessions.request(runId).env, { RUNOPTS_OVERRIDDEN: 'from settings', RUNOPTS_FOLDER: path.basename(workspaceFolder) });
      assert.strictEqual(api.sessions.request(runId).envFile, undefined);
    });
  });
});
