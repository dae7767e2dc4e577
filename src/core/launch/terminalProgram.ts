import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { explainLaunchError, LaunchedProgram, LaunchedProgramEvents, LaunchError } from './launchedProgram';
import { FrameReader, frame } from './terminalFrames';

/** How much output is kept for a listener yet to come: the newest, as a terminal's scrollback would. */
const UNHEARD_MOST = 4 * 1024 * 1024;

export interface TerminalLaunchOptions {
  /** The executable and its arguments; never passed through a shell. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The Python that runs the launcher (any Python from 3.6). */
  readonly python: string;
  /** The launcher script, run_in_terminal.py. */
  readonly launcher: string;
  readonly rows: number;
  readonly columns: number;
}

/**
 * A program running in a pseudo-terminal of its own, started by the terminal
 * launcher (launcher/run_in_terminal.py) as a shell starts a job: `isatty()`
 * is true, Ctrl+C typed in the terminal is SIGINT to its foreground process
 * group. Unix only: Windows has no pseudo-terminal Python can open.
 */
export class TerminalProgram extends EventEmitter<LaunchedProgramEvents> implements LaunchedProgram {
  private exitCode: number | null | undefined;
  private programPid = 0;
  /** Output that came before anyone listened (the program writes as soon as it runs). */
  private unheard: Buffer[] | undefined = [];
  private unheardBytes = 0;

  private constructor(private readonly launcher: ChildProcess) {
    super();
    (this as EventEmitter).on('newListener', (event: string) => {
      const unheard = this.unheard;
      if (event === 'stdout' && unheard) {
        this.unheard = undefined;
        // After the listener is added (newListener comes first), before any later output.
        queueMicrotask(() => unheard.forEach((data) => this.emit('stdout', data)));
      }
    });
    // Whatever happens to the launcher, ProcLens must not crash on its pipe.
    launcher.stdin?.on('error', () => undefined);
    launcher.stderr?.on('data', (data: Buffer) => this.emit('stderr', data));
  }

  static start(options: TerminalLaunchOptions): Promise<TerminalProgram> {
    const [executable] = options.command;
    if (!executable) {
      return Promise.reject(new LaunchError('No command was given.'));
    }
    const size = [String(Math.max(1, options.rows)), String(Math.max(1, options.columns))];
    // -I: the tracer (on PYTHONPATH) is for the program, not for its launcher.
    const launcher = spawn(options.python, ['-I', options.launcher, ...size, ...options.command], {
      cwd: options.cwd,
      env: options.env,
      stdio: 'pipe',
      detached: true,
      shell: false,
    });
    const program = new TerminalProgram(launcher);
    return new Promise((resolve, reject) => {
      let stderr = '';
      launcher.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
      launcher.once('error', (error: NodeJS.ErrnoException) => reject(explainLaunchError(error.code, error.message, options.python, options.cwd)));
      launcher.once('exit', (code, signal) => {
        reject(new LaunchError(`The terminal launcher stopped (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
      });
      launcher.once('close', () => {
        if (program.programPid && program.exitCode === undefined) {
          // Killed before it could tell: the program's status went nowhere, and is unknown.
          program.exitCode = null;
          program.emit('exit', null);
        }
      });
      const frames = new FrameReader();
      launcher.stdout?.on('data', (data: Buffer) => {
        for (const { kind, payload } of frames.push(data)) {
          if (kind === 'p') {
            program.programPid = Number(payload.toString());
            resolve(program);
          } else if (kind === 'e') {
            const text = payload.toString();
            const space = text.indexOf(' ');
            reject(explainLaunchError(text.slice(0, space), text.slice(space + 1), executable, options.cwd));
          } else if (kind === 'o') {
            program.output(payload);
          } else if (kind === 'x') {
            program.exitCode = Number(payload.toString());
            program.emit('exit', program.exitCode);
          }
        }
      });
    });
  }

  get pid(): number {
    return this.programPid;
  }

  /** The launcher leads the session: the program's exit must not hang up the processes it leaves. */
  get sessionLeader(): number {
    return this.launcher.pid!;
  }

  get exited(): number | null | undefined {
    return this.exitCode;
  }

  /** Keys typed in the terminal, as the terminal sends them (Ctrl+C is "\x03"). */
  write(data: string | Buffer): void {
    this.send('i', typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** The terminal's new size: the program gets SIGWINCH, as in any terminal. */
  resize(rows: number, columns: number): void {
    this.send('r', Buffer.from(`${Math.max(1, rows)} ${Math.max(1, columns)}`));
  }

  identified(): void {
    this.send('a', Buffer.alloc(0));
  }

  /**
   * ProcLens lets go of the terminal: the launcher keeps the terminal open,
   * unread, until the last process using it closes it (no hang-up).
   */
  endInput(): void {
    this.launcher.stdin?.end();
  }

  private output(data: Buffer): void {
    if (!this.unheard) {
      this.emit('stdout', data);
      return;
    }
    this.unheard.push(data);
    this.unheardBytes += data.length;
    while (this.unheardBytes > UNHEARD_MOST && this.unheard.length > 1) {
      this.unheardBytes -= this.unheard.shift()!.length;
    }
  }

  private send(kind: 'i' | 'r' | 'a', payload: Buffer): void {
    if (this.launcher.stdin?.writable) {
      this.launcher.stdin.write(frame(kind, payload));
    }
  }
}
