import * as vscode from 'vscode';
import { ProcessControl } from '../../core/control/processControl';
import { LaunchError } from '../../core/launch/launchedProgram';
import { commandName } from '../../core/model/processNames';
import { describeExitCode } from '../../core/present/exitCodeText';
import { RunRecord } from '../../core/model/processRecord';
import { formatExitCode } from '../../core/present/processText';
import { LaunchedRun, ProcessTracker, TrackedRun } from '../../core/tracking/processTracker';
import { settings } from '../settings';
import { TerminalProgram } from '../../core/launch/terminalProgram';
import type { PythonInterpreters, PythonSource } from '../python/pythonInterpreter';
import { DEFAULT_DIMENSIONS, RunTerminal, RunTerminalMode } from './runTerminal';

/** How a run was asked for: enough to run it again. */
export interface RunRequest {
  readonly command: readonly string[];
  readonly cwd: string;
  /** Shown as the terminal's name and the run's label. */
  readonly label: string;
  /** Variables added to the extension host's environment (the .env file's, then `proclens.env`). */
  readonly env?: Readonly<Record<string, string>>;
  /** The .env file those variables were read from, when there was one: for the run's tooltip. */
  readonly envFile?: string;
  /** The Python interpreter of the run: it also runs the terminal launcher (any command may be run). */
  readonly python?: string;
  /** Its version and where it came from, for the run's tooltip. */
  readonly pythonVersion?: string;
  readonly pythonSource?: PythonSource;
}

interface Session {
  readonly request: RunRequest;
  readonly run: TrackedRun;
  readonly terminal?: vscode.Terminal;
  readonly pty?: RunTerminal;
}

/** A live run as remembered across a window reload (workspace state). */
export interface RememberedRun extends RunRequest {
  readonly pid: number;
  readonly identity?: string;
  readonly startedAt: number;
  readonly sessionLeader?: number;
}

const REMEMBERED_KEY = 'proclens.liveRuns';

/** How long a run waits for its terminal to open and tell its size (it opens in a few ms when shown). */
const OPEN_WAIT_MS = 1000;

/** The runs started from VS Code, each with its terminal. */
export class RunSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly tracker: ProcessTracker,
    private readonly control: ProcessControl,
    private readonly log: vscode.LogOutputChannel,
    private readonly memory: vscode.Memento,
    /** vscode.workspace.isTrusted, read at each start (trust can be granted while running). */
    private readonly workspaceTrusted: () => boolean,
    private readonly pythons: PythonInterpreters,
  ) {}

  request(runId: string): RunRequest | undefined {
    return this.sessions.get(runId)?.request;
  }

  /** What the run's terminal shows comes from here (its onDidWrite): the run's output and ProcLens's lines. */
  terminalOf(runId: string): RunTerminal | undefined {
    return this.sessions.get(runId)?.pty;
  }

  label(run: RunRecord): string {
    return this.sessions.get(run.id)?.request.label ?? commandName(run.command) ?? run.id;
  }

  /** Starts a run in a new terminal. Returns undefined (after telling the person why) when it cannot start. */
  async start(request: RunRequest): Promise<TrackedRun | undefined> {
    // The manifest's `enablement` only greys out menus and the palette: executeCommand, a
    // walkthrough button or a command link still arrive here, so this is the real refusal.
    if (!this.workspaceTrusted()) {
      void vscode.window.showWarningMessage(vscode.l10n.t('ProcLens runs nothing in an untrusted workspace. Trust the workspace to run programs.'));
      return undefined;
    }
    const mode: RunTerminalMode = process.platform === 'win32' ? 'lines' : 'terminal';
    let run: LaunchedRun | undefined;
    const pty = new RunTerminal(
      {
        input: (data) => run?.program.write(data),
        endInput: () => run?.program.endInput(),
        interrupt: () => run && void this.stop(run.id),
        resize: (rows, columns) => run && run.program instanceof TerminalProgram && run.program.resize(rows, columns),
        closed: () => run && void this.terminalClosed(run.id),
      },
      mode,
    );
    const terminal = vscode.window.createTerminal({ name: `ProcLens: ${request.label}`, pty, iconPath: new vscode.ThemeIcon('type-hierarchy') });
    terminal.show(true);
    // The program may ask its terminal's size as it starts: wait (a little) for VS Code to know it.
    const size = await Promise.race([pty.opened, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), OPEN_WAIT_MS))]);
    const python = mode === 'terminal' ? (request.python ?? (await this.python())) : undefined;
    try {
      run = await this.tracker.start({
        command: request.command,
        cwd: request.cwd,
        env: request.env ? { ...process.env, ...request.env } : undefined,
        stdio: 'pipe',
        terminal: python ? { python, ...(size ?? DEFAULT_DIMENSIONS) } : undefined,
        taskArguments: settings.showTaskArguments,
      });
    } catch (error) {
      terminal.dispose();
      const message = error instanceof LaunchError ? error.message : String(error);
      this.log.error(`could not start ${request.command.join(' ')}: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not start {0}: {1}', request.label, message));
      return undefined;
    }
    const started = run;
    this.sessions.set(run.id, { request, run, terminal, pty });
    void this.remember();
    const decoder = (stream: 'stdout' | 'stderr') => {
      const utf8 = new TextDecoder('utf-8');
      started.program.on(stream, (data) => pty.write(utf8.decode(data, { stream: true })));
    };
    decoder('stdout');
    decoder('stderr');
    // Each program tells its exit after its last output (see LaunchedProgram), so this line comes last.
    run.program.on('exit', (code) => {
      pty.notice(
        code === null
          ? vscode.l10n.t('[ProcLens] {0} ended; its exit code is unknown (its terminal was lost)', request.label)
          : vscode.l10n.t('[ProcLens] {0} exited with code {1}: {2}', request.label, formatExitCode(code), describeExitCode(code, vscode.l10n.t, this.tracker.model.os)),
      );
    });
    void run.finished.then(() => {
      this.log.info(`${run.id} finished`);
      void this.remember();
    });
    return run;
  }

  /**
   * Finds again the runs that were live when the window last closed or
   * reloaded: each still alive is shown (followed by the OS scan) or, with
   * `stop`, stopped. None is forgotten without a word.
   */
  async restore(stop: boolean): Promise<TrackedRun[]> {
    const remembered = this.memory.get<RememberedRun[]>(REMEMBERED_KEY, []);
    const found: TrackedRun[] = [];
    // Without the recorded identity a pid may name someone else's process by now: skip it.
    for (const entry of remembered.filter((e) => e.identity !== undefined)) {
      const run = await this.tracker.adopt(entry);
      if (run) {
        this.sessions.set(run.id, { request: entry, run });
        found.push(run);
      }
    }
    if (found.length) {
      const labels = found.map((r) => this.label(r.record)).join(', ');
      this.log.info(`${stop ? 'stopping' : 'showing'} runs left from before the reload: ${labels}`);
      if (stop) {
        await Promise.all(found.map((r) => this.stop(r.id)));
      }
      void vscode.window.showInformationMessage(
        stop
          ? vscode.l10n.t('ProcLens stopped {0} run(s) still going from before the window reloaded: {1}', found.length, labels)
          : vscode.l10n.t('ProcLens found {0} run(s) still going from before the window reloaded: {1}. Their output cannot be shown again.', found.length, labels),
      );
    }
    await this.remember();
    return found;
  }

  /**
   * Follows a process ProcLens did not start (and its descendants), by the OS
   * scan. It is never remembered for a reload nor stopped when the window closes.
   */
  async attach(pid: number, label: string, argv: readonly string[] | undefined): Promise<TrackedRun | undefined> {
    const command = argv?.length ? [...argv] : [label];
    const run = await this.tracker.adopt({ pid, command, cwd: '', attached: true });
    if (run) {
      this.sessions.set(run.id, { request: { command, cwd: '', label }, run });
    }
    return run;
  }

  async stop(runId: string): Promise<void> {
    const survivors = await this.control.stopRun(runId, settings.stopGraceMs);
    if (survivors.length) {
      const names = survivors.map((r) => `${r.name} (PID ${r.pid})`).join(', ');
      this.log.warn(`${runId}: still alive after stopping: ${names}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('These processes could not be stopped: {0}', names));
    }
  }

  /** Stops every live run ProcLens started (window closing, extension deactivated); attached ones are left alone. */
  async stopAll(graceMs: number): Promise<void> {
    const started = this.tracker.liveRuns().filter((run) => !run.record.attached);
    await Promise.all(started.map((run) => this.control.stopRun(run.id, graceMs)));
  }

  /** The runs were cleared from the view: their terminals go with them. */
  forget(runIds: readonly string[]): void {
    for (const id of runIds) {
      this.sessions.get(id)?.terminal?.dispose();
      this.sessions.delete(id);
    }
  }

  dispose(): void {
    for (const session of this.sessions.values()) {
      session.terminal?.dispose();
    }
    this.sessions.clear();
  }

  private async remember(): Promise<void> {
    const live = [...this.sessions.values()].filter(
      (s) => s.run.record.state === 'live' && s.run.record.topPid !== undefined && !s.run.record.attached,
    );
    const entries: RememberedRun[] = [];
    for (const { request, run } of live) {
      const top = run.record.topKey ? this.tracker.model.get(run.record.topKey) : undefined;
      const pid = run.record.topPid!;
      const identity = top?.identity ?? (await this.tracker.lister.identify(pid));
      // Never the added variables' values: workspace state is a plain file, and a .env may hold secrets.
      const { env: _values, ...described } = request;
      entries.push({ ...described, command: [...request.command], pid, identity, startedAt: run.record.startedAt, sessionLeader: run.record.sessionLeader });
    }
    await this.memory.update(REMEMBERED_KEY, entries);
  }

  /** The Python that runs the terminal launcher when the command is not a Python file's: none means pipes. */
  private async python(): Promise<string | undefined> {
    try {
      return (await this.pythons.find()).executable;
    } catch {
      this.log.warn('no Python found to run the terminal launcher: the program runs with pipes, not a terminal');
      return undefined;
    }
  }

  private async terminalClosed(runId: string): Promise<void> {
    const session = this.sessions.get(runId);
    if (!session || !this.tracker.find(runId)) {
      return;
    }
    const stop = vscode.l10n.t('Stop Run');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('The terminal of {0} was closed, but the run is still going. Stop it?', session.request.label),
      stop,
      vscode.l10n.t('Keep Running'),
    );
    if (answer === stop) {
      await this.stop(runId);
    }
  }
}
