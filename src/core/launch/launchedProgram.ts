import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { signalNumber } from '../model/exitCodes';

export interface LaunchOptions {
  /** The executable and its arguments; never passed through a shell. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `inherit` passes the terminal through (CLI); `pipe` lets the caller carry the I/O (extension). */
  readonly stdio: 'inherit' | 'pipe';
}

export interface LaunchedProgramEvents {
  stdout: [Buffer];
  stderr: [Buffer];
  /** Python's convention: the exit code, or −N when signal N ended it. */
  exit: [number];
}

/** Raised when the program could not be started; the message is meant for people. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** One started program. It runs in a session of its own so its whole tree can be told apart. */
export class LaunchedProgram extends EventEmitter<LaunchedProgramEvents> {
  private exitCode: number | undefined;

  private constructor(private readonly child: ChildProcess) {
    super();
    child.stdout?.on('data', (data: Buffer) => this.emit('stdout', data));
    child.stderr?.on('data', (data: Buffer) => this.emit('stderr', data));
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      this.exitCode = code ?? -(signal ? (signalNumber(signal) ?? 0) : 0);
      this.emit('exit', this.exitCode);
    });
  }

  static start(options: LaunchOptions): Promise<LaunchedProgram> {
    const [executable, ...args] = options.command;
    if (!executable) {
      return Promise.reject(new LaunchError('No command was given.'));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(executable, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: options.stdio,
        detached: process.platform !== 'win32',
        windowsHide: true,
        shell: false,
      });
      child.once('spawn', () => resolve(new LaunchedProgram(child)));
      child.once('error', (error: NodeJS.ErrnoException) => reject(explain(error, executable, options.cwd)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The exit code once it has exited (see the `exit` event). */
  get exited(): number | undefined {
    return this.exitCode;
  }

  write(data: string | Buffer): void {
    if (this.child.stdin?.writable) {
      this.child.stdin.write(data);
    }
  }

  endInput(): void {
    this.child.stdin?.end();
  }
}

function explain(error: NodeJS.ErrnoException, executable: string, cwd: string): LaunchError {
  switch (error.code) {
    case 'ENOENT':
      return new LaunchError(`"${executable}" was not found (or the folder "${cwd}" does not exist).`, error.code);
    case 'EACCES':
      return new LaunchError(`"${executable}" cannot be run: permission denied.`, error.code);
    default:
      return new LaunchError(`"${executable}" could not be started: ${error.message}`, error.code);
  }
}
