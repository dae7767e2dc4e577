'use strict';
// A run's terminal in a real extension host: the program runs in a pseudo-terminal of its
// own, keys typed in VS Code's terminal reach it as a terminal's keys, and the exit line
// ProcLens writes comes after the program's last output.

const assert = require('assert');
const path = require('path');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'python');
const EXIT_LINE = /\x1b\[2m\[ProcLens\] (\S+) exited with code (\S+): [^\x1b]*\x1b\[0m\r\n/;

describe('a run in a real terminal', function () {
  this.timeout(120000);
  let api;
  const model = () => api.tracker.model;
  const finished = (runId) => until(`run ${runId} to finish`, () => model().run(runId).state === 'finished' && model().run(runId), 30000);
  // By its pseudo-terminal, not its name: earlier runs of the same file had terminals of that name.
  const terminalOf = (runId) => vscode.window.terminals.find((t) => t.creationOptions.pty === api.sessions.terminalOf(runId));

  /** Starts `file` and returns what its terminal shows from now on (the program waits for Enter first). */
  async function runFile(file) {
    const runId = await vscode.commands.executeCommand('proclens.runFile', vscode.Uri.file(path.join(FIXTURES, file)));
    assert.ok(runId, `${file} started`);
    let shown = '';
    const listening = api.sessions.terminalOf(runId).onDidWrite((text) => (shown += text));
    return { runId, shown: () => shown, dispose: () => listening.dispose() };
  }

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  it('is a terminal to the program: isatty() True on every stream, its own foreground group, the terminal’s echo', async () => {
    const run = await runFile('terminal_facts.py');
    try {
      terminalOf(run.runId).sendText('');
      await until('the prompt', () => run.shown().includes('type something: '));
      terminalOf(run.runId).sendText('hello');
      await finished(run.runId);
      await until('the exit line', () => EXIT_LINE.test(run.shown()));
      const text = run.shown();
      assert.match(text, /isatty: True True True\r\n/);
      assert.match(text, /own group: True\r\nforeground: True\r\n/);
      assert.match(text, /type something: hello\r\ntyped: 'hello'\r\n/);
      assert.strictEqual(model().run(run.runId).exitCode, 0);
    } finally {
      run.dispose();
    }
  });

  it('Ctrl+C typed in the terminal: KeyboardInterrupt in the main process, its cleanup, the workers terminated', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 'ctrl_c_pool');
    let shown = '';
    const listening = api.sessions.terminalOf(runId).onDidWrite((text) => (shown += text));
    try {
      const workers = () => model().processesOf(runId).filter((p) => /^ForkPoolWorker-\d$/.test(p.name));
      // Running a task: map_async() has been called, so the main process is inside its try block.
      await until('three busy workers', () => workers().length === 3 && workers().every((w) => w.state === 'running' && w.identity && w.tasks?.current));
      // What a person's Ctrl+C is: the byte 0x03 typed into the terminal.
      terminalOf(runId).sendText('\x03', false);
      const run = await finished(runId);
      assert.strictEqual(run.exitCode, 0);
      assert.deepStrictEqual(workers().map((w) => [w.exitCode, w.signal]), [[-15, 'SIGTERM'], [-15, 'SIGTERM'], [-15, 'SIGTERM']]);
      await until('the exit line', () => EXIT_LINE.test(shown));
      assert.match(shown, /\^CKeyboardInterrupt in the main process: cleaning up\r\ncleanup done: the workers were terminated\r\n\x1b\[2m\[ProcLens\] ctrl_c_pool\.py exited with code 0/);
      assert.deepStrictEqual(workers().map((w) => w.pid).filter(alive), []);
    } finally {
      listening.dispose();
    }
  });

  it('writes the exit line after the last output line, in 50 runs of a program that prints 10,000 lines and exits at once', async function () {
    this.timeout(600000);
    const wrong = [];
    for (let i = 0; i < 50; i++) {
      const run = await runFile('ten_thousand_lines.py');
      try {
        terminalOf(run.runId).sendText('');
        await finished(run.runId);
        await until('the exit line', () => EXIT_LINE.test(run.shown()));
        const text = run.shown();
        const exit = EXIT_LINE.exec(text);
        const before = text.slice(0, exit.index);
        const lines = before.split('\r\n');
        // Enter's echo, 10,000 lines, then the exit line and nothing after it.
        if (exit[2] !== '0' || lines.length !== 10002 || lines[10000] !== 'line 9999' || lines[10001] !== '' || exit.index + exit[0].length !== text.length) {
          wrong.push(`run ${i}: exit ${exit[2]} after ${lines.length} lines, ending ${JSON.stringify(before.slice(-30))}`);
        }
      } finally {
        run.dispose();
        model().clearExited(run.runId);
        api.sessions.forget([run.runId]);
      }
    }
    assert.deepStrictEqual(wrong, []);
  });
});
