import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProcessControl } from '../../core/control/processControl';
import { LaunchError } from '../../core/launch/launchedProgram';
import { describeExitCode } from '../../core/model/exitCodes';
import { RunRecord } from '../../core/model/processRecord';
import { formatExitCode } from '../../core/present/processText';
import { ProcessTracker, TrackedRun } from '../../core/tracking/processTracker';
import { settings } from '../settings';
import { RunTerminal } from './runTerminal';

/** How a run was asked for: enough to run it again. */
export interface RunRequest {
  readonly command: readonly string[];
  readonly cwd: string;
  /** Shown as the terminal's name and the run's label. */
  readonly label: string;
}

interface Session {
  readonly request: RunRequest;
  readonly run: TrackedRun;
  readonly terminal: vscode.Terminal;
  readonly pty: RunTerminal;
}

/** The runs started from VS Code, each with its terminal. */
export class RunSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly tracker: ProcessTracker,
    private readonly control: ProcessControl,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  request(runId: string): RunRequest | undefined {
    return this.sessions.get(runId)?.request;
  }

  label(run: RunRecord): string {
    return this.sessions.get(run.id)?.request.label ?? path.basename(run.command[run.command.length - 1] ?? run.id);
  }

  /** Starts a run in a new terminal. Returns undefined (after telling the person why) when it cannot start. */
  async start(request: RunRequest): Promise<TrackedRun | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('ProcLens runs nothing in an untrusted workspace. Trust the workspace to run programs.'));
      return undefined;
    }
    let run: TrackedRun;
    try {
      run = await this.tracker.start({ command: request.command, cwd: request.cwd, stdio: 'pipe' });
    } catch (error) {
      const message = error instanceof LaunchError ? error.message : String(error);
      this.log.error(`could not start ${request.command.join(' ')}: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not start {0}: {1}', request.label, message));
      return undefined;
    }
    const pty = new RunTerminal({
      input: (line) => run.program.write(line),
      endInput: () => run.program.endInput(),
      interrupt: () => void this.stop(run.id),
      closed: () => void this.terminalClosed(run.id),
    });
    const terminal = vscode.window.createTerminal({ name: `ProcLens: ${request.label}`, pty, iconUrl: new vscode.ThemeIcon('type-hierarchy') } as vscode.ExtensionTerminalOptions);
    this.sessions.set(run.id, { request, run, terminal, pty });
    terminal.show(true);
    const decoder = (stream: 'stdout' | 'stderr') => {
      const utf8 = new TextDecoder('utf-8');
      run.program.on(stream, (data) => pty.write(utf8.decode(data, { stream: true })));
    };
    decoder('stdout');
    decoder('stderr');
    run.program.on('exit', (code) => {
      pty.notice(vscode.l10n.t('[ProcLens] {0} exited with code {1}: {2}', request.label, formatExitCode(code), describeExitCode(code)));
    });
    void run.finished.then(() => this.log.info(`${run.id} finished`));
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

  /** Stops every live run (window closing, extension deactivated). */
  async stopAll(graceMs: number): Promise<void> {
    await Promise.all(this.tracker.liveRuns().map((run) => this.control.stopRun(run.id, graceMs)));
  }

  dispose(): void {
    for (const session of this.sessions.values()) {
      session.terminal.dispose();
    }
    this.sessions.clear();
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
