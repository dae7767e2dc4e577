'use strict';
// Which Python runs a file. With the Python extension installed (here its stand-in,
// test/fixtures/python-extension-stand-in, reached through @vscode/python-extension as the real
// one is): the interpreter selected in it, chosen again for each run; a selection that does not
// work is an error naming the Python extension, never replaced by another Python; and
// proclens.pythonPath wins over it. Without the Python extension: python3 on PATH.
//
// `npm test` runs this file twice: in the integration phase, where the Python extension is not
// installed, and in the python-extension phase, beside the stand-in, where only tests whose
// titles name the Python extension run (scripts/test.js). Each runs the half that fits.

const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { endRuns, notifications, until } = require('./helpers');

const PROGRAM = path.join(__dirname, '..', '..', 'fixtures', 'python', 'print_python.py');
const pythonExtension = vscode.extensions.getExtension('ms-python.python');

/** pyenv's newest `version` (e.g. '3.8'), as test/engine/engineHelpers.ts testInterpreters() finds it. */
function pyenvPython(version) {
  const fromEnv = process.env[`PROCLENS_TEST_PYTHON${version.replace('.', '')}`];
  if (fromEnv) return fromEnv;
  const versions = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions');
  const found = fs.existsSync(versions) ? fs.readdirSync(versions).filter((v) => v.startsWith(`${version}.`)).sort() : [];
  const candidate = found.length ? path.join(versions, found[found.length - 1], 'bin', 'python') : undefined;
  return candidate && fs.existsSync(candidate) ? candidate : undefined;
}

/** What ProcLens finds on PATH: python3 (else python), as that interpreter names itself. */
function pythonOnPath() {
  for (const name of ['python3', 'python']) {
    try {
      return execFileSync(name, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    } catch {
      // the next name
    }
  }
  return undefined;
}

/** An interpreter's major.minor version, e.g. '3.11'. */
const versionOf = (python) => execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();

/** Runs a copy of print_python.py from the workspace; each test reads what it printed with report(). */
function fileRuns() {
  const state = { api: undefined, folder: undefined, file: undefined, started: [] };
  const model = () => state.api.tracker.model;

  before(async () => {
    state.api = await vscode.extensions.getExtension('proclens.proclens').activate();
    state.folder = fs.mkdtempSync(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'pythonext-'));
    state.file = vscode.Uri.file(path.join(state.folder, 'print_python.py'));
    fs.copyFileSync(PROGRAM, state.file.fsPath);
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('proclens').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await endRuns(model(), state.started.splice(0));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(state.folder, { recursive: true, force: true });
  });

  /** Run Python File with ProcLens: the run, its request, what the program printed and the run's hover. */
  state.runFile = async () => {
    const runId = await vscode.commands.executeCommand('proclens.runFile', state.file);
    assert.ok(runId, 'a run was started');
    state.started.push(runId);
    const program = state.api.tracker.find(runId).program;
    let output = '';
    program.on('stdout', (data) => (output += data));
    // It prints only after this line, so nothing it prints can come before the listener.
    program.write('go\n');
    // In a terminal, lines end in \r\n, and the typed line is echoed before the report.
    const line = await until('its report', () => /^\{.*\}\r?$/m.exec(output)?.[0]);
    await until(`run ${runId} to finish`, () => model().run(runId).state === 'finished');
    const run = model().run(runId);
    assert.strictEqual(run.exitCode, 0);
    // What a person reads, without the Markdown escapes.
    const tooltip = state.api.processesView.getTreeItem(run).tooltip.value.replace(/\\(.)/g, '$1');
    return { run, request: state.api.sessions.request(runId), printed: JSON.parse(line), tooltip };
  };
  return state;
}

/** The run used `python` (as that interpreter names itself, `version` like '3.8'), from `source`. */
function assertRanWith(result, python, version, source, file) {
  const { run, request, printed, tooltip } = result;
  assert.strictEqual(printed.executable, python, 'the program ran under that interpreter');
  assert.ok(printed.version.startsWith(`${version}.`), printed.version);
  assert.deepStrictEqual(run.command, [python, file.fsPath], 'the run’s command line');
  assert.deepStrictEqual([request.python, request.pythonSource], [python, source]);
  assert.ok(request.pythonVersion.startsWith(`${version}.`), request.pythonVersion);
  const sourceText = { pythonExtension: 'selected in the Python extension', setting: 'from "proclens.pythonPath"', path: 'found on PATH' }[source];
  const named = `Python interpreter: ${python} (Python ${request.pythonVersion}, ${sourceText})`;
  assert.ok(tooltip.includes(named), `the hover says "${named}":\n${tooltip}`);
}

if (pythonExtension) {
  describe('with the Python extension (ms-python.python) installed', function () {
    this.timeout(60000);
    const python38 = pyenvPython('3.8');
    const python313 = pyenvPython('3.13');
    const runs = fileRuns();
    let standIn;
    const select = (python) => vscode.commands.executeCommand('pythonStandIn.select', python);

    /** For the tests that select a version: both are needed to see the selection change. */
    const needPyenv = (test) => {
      if (!python38 || !python313) {
        console.log('    Python 3.8 or 3.13 is not installed (pyenv, or PROCLENS_TEST_PYTHON38 / PROCLENS_TEST_PYTHON313): skipped');
        test.skip();
      }
    };

    before(async () => {
      standIn = await pythonExtension.activate();
      assert.ok(standIn.testing, 'the stand-in for the Python extension is installed, not the real one');
    });

    afterEach(() => select(undefined));

    it('Run Python File uses the interpreter selected in the Python extension', async function () {
      needPyenv(this);
      await select(python38);
      assertRanWith(await runs.runFile(), python38, '3.8', 'pythonExtension', runs.file);
    });

    it('a new selection in the Python extension (its change event) is used by the very next run; each run’s hover keeps its own', async function () {
      needPyenv(this);
      await select(python38);
      const first = await runs.runFile();
      assertRanWith(first, python38, '3.8', 'pythonExtension', runs.file);

      const changes = [];
      const listening = standIn.environments.onDidChangeActiveEnvironmentPath((change) => changes.push(change.path));
      try {
        // The published API's own way to select, as another extension would.
        await standIn.environments.updateActiveEnvironmentPath(python313);
      } finally {
        listening.dispose();
      }
      assert.deepStrictEqual(changes, [python313], 'the Python extension told of the change');
      assertRanWith(await runs.runFile(), python313, '3.13', 'pythonExtension', runs.file);
      const firstNow = runs.api.processesView.getTreeItem(first.run).tooltip.value.replace(/\\(.)/g, '$1');
      assert.ok(firstNow.includes(`${python38} (Python 3.8.`), `the first run still names 3.8:\n${firstNow}`);
    });

    it('proclens.pythonPath wins over the Python extension’s selection', async function () {
      needPyenv(this);
      await select(python38);
      await vscode.workspace.getConfiguration('proclens').update('pythonPath', python313, vscode.ConfigurationTarget.Global);
      assertRanWith(await runs.runFile(), python313, '3.13', 'setting', runs.file);
    });

    it('with nothing selected in the Python extension, python3 on PATH runs', async () => {
      await select(undefined);
      assert.strictEqual(standIn.environments.getActiveEnvironmentPath().id, 'DEFAULT_PYTHON');
      const onPath = pythonOnPath();
      assert.ok(onPath, 'a Python on PATH');
      assertRanWith(await runs.runFile(), onPath, versionOf(onPath), 'path', runs.file);
    });

    const broken = [
      ['gone', 'no longer exists (its folder was deleted)', (folder) => path.join(folder, 'bin', 'python'), (folder) => fs.rmSync(folder, { recursive: true })],
      ['not-python', 'is not Python', (folder) => path.join(folder, 'python'), (folder) => fs.writeFileSync(path.join(folder, 'python'), '#!/bin/sh\nexit 3\n', { mode: 0o755 })],
    ];
    for (const [name, what, pathIn, breakIt] of broken) {
      it(`a selection in the Python extension that ${what}: an error naming it, with Select Interpreter; nothing runs, not even PATH’s Python`, async () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-gone-'));
        const selected = pathIn(folder);
        try {
          breakIt(folder);
          await select(selected);
          await vscode.commands.executeCommand('notifications.clearAll');
          const model = runs.api.tracker.model;
          const before = model.runs().length;
          const calls = standIn.testing.setInterpreterCalls;

          const runId = await vscode.commands.executeCommand('proclens.runFile', runs.file);
          if (runId) {
            // Wrongly started: stopped and cleared after the test, as every run is.
            runs.started.push(runId);
          }
          assert.strictEqual(runId, undefined, 'no run id');
          const seen = await notifications(`python-extension-${name}`, { waitFor: selected, click: 'Select Interpreter' });
          assert.strictEqual(model.runs().length, before, 'nothing was started');
          const toast = seen.toasts.find((n) => n.message.includes(selected));
          assert.ok(toast, `a notification names ${selected}: ${JSON.stringify(seen)}`);
          assert.match(toast.message, /^The interpreter selected in the Python extension, ".*", cannot be used \(.+\)\. Select another interpreter, or set "proclens\.pythonPath"\.$/);
          assert.deepStrictEqual(toast.buttons, ['Select Interpreter', 'Open Settings']);
          // The click runs the Python extension's own Select Interpreter.
          assert.ok(seen.clicked, JSON.stringify(seen));
          await until('the Python extension’s Select Interpreter', () => standIn.testing.setInterpreterCalls === calls + 1);
        } finally {
          await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
          fs.rmSync(folder, { recursive: true, force: true });
        }
      });
    }
  });
} else {
  describe('without the Python extension installed', function () {
    this.timeout(60000);
    const runs = fileRuns();

    it('Run Python File uses python3 on PATH, and its hover says so', async () => {
      const onPath = pythonOnPath();
      assert.ok(onPath, 'a Python on PATH');
      assertRanWith(await runs.runFile(), onPath, versionOf(onPath), 'path', runs.file);
    });
  });
}
