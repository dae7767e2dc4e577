import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { signalNumber } from '../model/exitCodes';
import { explainLaunchError, LaunchedProgram, LaunchedProgramEvents, LaunchError } from './launchedProgram';

/**
 * How long output may still come after the program's exit before the exit is
 * told anyway: a pipe still open by then is held by a process it left behind.
 */
const DRAIN_MS = 100;

/** Resolves when each stream has ended (its last data emitted), or after DRAIN_MS. */
function drained(streams: ReadonlyArray<NodeJS.ReadableStream | null>): Promise<void> {
  const ends = streams
    .filter((s): s is NodeJS.ReadableStream & { readableEnded: boolean } => s !== null && !(s as { readableEnded?: boolean }).readableEnded)
    .map((s) => new Promise<void>((resolve) => s.once('close', resolve).once('end', resolve)));
  if (!ends.length) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, DRAIN_MS);
    void Promise.all(ends).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface PipedLaunchOptions {
  /** The executable and its arguments; never passed through a shell. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `inherit` passes the terminal through (CLI); `pipe` lets the caller carry the I/O. */
  readonly stdio: 'inherit' | 'pipe';
}

/** A program started with pipes (or the CLI's own terminal), in a session of its own so its whole tree can be told apart. */
export class PipedProgram extends EventEmitter<LaunchedProgramEvents> implements LaunchedProgram {
  private exitCode: number | undefined;

  private constructor(private readonly child: ChildProcess) {
    super();
    child.stdout?.on('data', (data: Buffer) => this.emit('stdout', data));
    child.stderr?.on('data', (data: Buffer) => this.emit('stderr', data));
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      const exitCode = code ?? -(signal ? (signalNumber(signal) ?? 0) : 0);
      void drained([child.stdout, child.stderr]).then(() => {
        this.exitCode = exitCode;
        this.emit('exit', exitCode);
      });
    });
  }

  static start(options: PipedLaunchOptions): Promise<PipedProgram> {
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
      child.once('spawn', () => resolve(new PipedProgram(child)));
      child.once('error', (error: NodeJS.ErrnoException) => reject(explainLaunchError(error.code, error.message, executable, options.cwd)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get sessionLeader(): number | undefined {
    return process.platform === 'win32' ? undefined : this.pid;
  }

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

  identified(): void {
    // ProcLens is the parent: the pid cannot be reused before its exit is handled.
  }
}
