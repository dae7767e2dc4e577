import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LaunchedRun, ProcessTracker } from '../../src/core/tracking/processTracker';
import { alivePids, FIXTURES, REPO, START_METHODS, testInterpreters, until, WITH_START_METHOD } from './engineHelpers';

/*
 * A run in a terminal of its own (launcher/run_in_terminal.py), driven the
 * way VS Code's terminal drives it: keys in, what the terminal shows out.
 */

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
const tracerDirectory = path.join(REPO, 'tracer');
const terminalLauncher = path.join(REPO, 'launcher', 'run_in_terminal.py');
const CTRL_C = '\x03';

interface TerminalRun {
  readonly tracker: ProcessTracker;
  readonly run: LaunchedRun;
  /** Everything the terminal has shown so far. */
  shown(): string;
  /** What the terminal had shown when the program's exit was told; and the exit code. */
  readonly exit: Promise<{ code: number | null; shownBefore: string }>;
}

async function startInTerminal(command: readonly string[], size = { rows: 30, columns: 100 }): Promise<TerminalRun> {
  const tracker = new ProcessTracker({ tracerDirectory, terminalLauncher, scanIntervalMs: 100 });
  const run = await tracker.start({ command, cwd: FIXTURES, terminal: { python, ...size } });
  let shown = '';
  run.program.on('stdout', (data) => (shown += data.toString()));
  const exit = new Promise<{ code: number | null; shownBefore: string }>((resolve) => run.program.once('exit', (code) => resolve({ code, shownBefore: shown })));
  return { tracker, run, shown: () => shown, exit };
}

/** The terminal launchers this process started that still run. */
function launchersOf(parent: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parent && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run_in_terminal.py');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function finish(terminal: TerminalRun): Promise<void> {
  const pids = terminal.tracker.model.processesOf(terminal.run.id).map((p) => p.pid);
  try {
    await until('the run to finish', () => terminal.tracker.model.run(terminal.run.id)?.state === 'finished', 30_000);
  } finally {
    alivePids(pids).forEach((pid) => process.kill(pid, 'SIGKILL'));
    terminal.run.program.endInput();
    await terminal.tracker.dispose();
    // Its launcher leaves once every process using the terminal has closed it.
    await until('the terminal launcher to exit', () => launchersOf(process.pid).length === 0);
  }
}

// Linux: launchersOf() reads /proc. The launcher itself needs only POSIX (macOS is covered by the hosted CI's other suites).
describe('a run in a terminal of its own', { skip: process.platform !== 'linux' && 'needs Linux: reads /proc' }, () => {
  test('sees a terminal as under a shell: every stream a TTY, its size, its own foreground group; typed lines echo', { timeout: 60_000 }, async () => {
    const terminal = await startInTerminal([python, 'terminal_facts.py'], { rows: 33, columns: 101 });
    try {
      terminal.run.program.write('\r');
      await until('the prompt', () => terminal.shown().includes('type something: '));
      terminal.run.program.write('héllo\r');
      const { code, shownBefore } = await terminal.exit;
      assert.equal(code, 0);
      assert.deepEqual(shownBefore.split('\r\n'), [
        // The echo of Enter.
        '',
        'isatty: True True True',
        'size: 101x33',
        'own group: True',
        'foreground: True',
        // The terminal's own echo of what was typed, then the program's answer.
        "type something: héllo",
        "typed: 'héllo'",
        '',
      ]);
    } finally {
      await finish(terminal);
    }
  });

  test('Ctrl+C raises KeyboardInterrupt: the cleanup runs, and the program ends normally', { timeout: 60_000 }, async () => {
    const terminal = await startInTerminal([python, 'ctrl_c_cleanup.py']);
    try {
      await until('the program to wait', () => terminal.shown().includes('press Ctrl+C'));
      terminal.run.program.write(CTRL_C);
      const { code, shownBefore } = await terminal.exit;
      assert.equal(code, 0);
      assert.deepEqual(shownBefore.split('\r\n'), ['running: press Ctrl+C', '^CKeyboardInterrupt caught: cleaning up', 'cleanup done', '']);
      assert.equal(terminal.tracker.model.run(terminal.run.id)?.exitCode, 0);
    } finally {
      await finish(terminal);
    }
  });

  test('an uncaught KeyboardInterrupt ends the program by SIGINT, as in a shell: exit −2', { timeout: 60_000 }, async () => {
    const terminal = await startInTerminal([python, '-c', 'import time; print("sleeping", flush=True); time.sleep(60)']);
    try {
      await until('the program to sleep', () => terminal.shown().includes('sleeping'));
      terminal.run.program.write(CTRL_C);
      const { code, shownBefore } = await terminal.exit;
      assert.match(shownBefore, /KeyboardInterrupt\r\n$/);
      // Python 3.8 and later re-raise SIGINT on an uncaught KeyboardInterrupt, so a shell sees the signal.
      assert.equal(code, -2);
    } finally {
      await finish(terminal);
    }
  });

  for (const method of START_METHODS) {
    test(`Ctrl+C reaches every Pool worker and the parent, as under a shell (${method})`, { timeout: 90_000 }, async () => {
      const terminal = await startInTerminal([python, WITH_START_METHOD, method, 'pool_ctrl_c.py']);
      try {
        await until('the workers to be busy', () => terminal.shown().includes('3 workers busy'), 30_000);
        terminal.run.program.write(CTRL_C);
        const { code, shownBefore } = await terminal.exit;
        assert.equal(code, 0, shownBefore);
        // Anywhere in a line: the workers' tracebacks are written to the terminal at the same moment.
        const interrupted = [...shownBefore.matchAll(/worker (\d+) got SIGINT\r\n/g)].map((m) => Number(m[1]));
        // The three that were busy; the pool may have started replacements for them before terminate().
        const workers = terminal.tracker.model.processesOf(terminal.run.id).filter((p) => /PoolWorker-[123]$/.test(p.name));
        assert.equal(workers.length, 3, workers.map((w) => w.name).join());
        assert.deepEqual(
          interrupted.sort(),
          workers.map((w) => w.pid).sort(),
          'each worker got SIGINT once',
        );
        assert.match(shownBefore, /parent: KeyboardInterrupt\r\n/);
        assert.match(shownBefore, /pool terminated\r\n$/);
      } finally {
        await finish(terminal);
      }
    });
  }

  test('the exit is told after the last output, in 50 runs of a program that prints 10,000 lines and exits at once', { timeout: 240_000 }, async () => {
    const wrong: string[] = [];
    for (let i = 0; i < 50; i++) {
      const terminal = await startInTerminal([python, 'ten_thousand_lines.py']);
      try {
        terminal.run.program.write('\r');
        const { code, shownBefore } = await terminal.exit;
        const lines = shownBefore.split('\r\n');
        // The echo of Enter, 10,000 lines, and nothing after the last line's end.
        if (code !== 0 || lines.length !== 10_002 || lines[10_000] !== 'line 9999' || lines[10_001] !== '') {
          wrong.push(`run ${i}: exit ${code} after ${lines.length} lines, ending ${JSON.stringify(shownBefore.slice(-30))}`);
        }
      } finally {
        await finish(terminal);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('the program is the run’s top process, its launcher is not in the tree, and Stop Run’s signals reach what the program started', { timeout: 60_000 }, async () => {
    const terminal = await startInTerminal([python, 'outliving_sleep.py', '30']);
    try {
      const { run, tracker } = terminal;
      const record = tracker.model.run(run.id)!;
      assert.equal(record.topPid, run.program.pid);
      assert.notEqual(record.sessionLeader, run.program.pid, 'the launcher leads the session');
      await terminal.exit;
      const sleeper = await until("the sleep's pid", () => Number(/sleep (\d+)/.exec(terminal.shown())?.[1]));
      // Left behind by the program: still in the run's session, so the run is live and it is signallable.
      const sleep = await until('the sleep, confirmed by the OS', () => {
        const found = tracker.model.find(run.id, sleeper);
        return found?.identity !== undefined && found;
      });
      assert.equal(sleep.state, 'running');
      assert.equal(tracker.model.run(run.id)?.state, 'live');
      const pids = tracker.model.processesOf(run.id).map((p) => p.pid);
      assert.ok(!pids.includes(record.sessionLeader!), `the launcher (PID ${record.sessionLeader}) is not one of the run's processes: ${pids}`);
      process.kill(sleeper, 'SIGKILL');
    } finally {
      await finish(terminal);
    }
  });

  test('a command that cannot be started is refused with the reason, and leaves no launcher running', { timeout: 30_000 }, async () => {
    const tracker = new ProcessTracker({ tracerDirectory, terminalLauncher });
    try {
      await assert.rejects(
        tracker.start({ command: ['no-such-program-proclens'], cwd: FIXTURES, terminal: { python, rows: 24, columns: 80 } }),
        /"no-such-program-proclens" was not found/,
      );
      await until('the launcher to have exited', () => launchersOf(process.pid).length === 0);
    } finally {
      await tracker.dispose();
    }
  });
});
