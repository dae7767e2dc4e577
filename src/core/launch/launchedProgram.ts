import { EventEmitter } from 'node:events';

export interface LaunchedProgramEvents {
  /** What the program wrote; in a terminal, everything the terminal shows (its echo too). */
  stdout: [Buffer];
  stderr: [Buffer];
  /**
   * Python's convention: the exit code, or −N when signal N ended it; null
   * when it cannot be known (the terminal launcher was killed first). Comes
   * after the last output.
   */
  exit: [number | null];
}

/**
 * One started program, whichever way it was started: with pipes
 * (PipedProgram) or in a terminal of its own (TerminalProgram).
 */
export interface LaunchedProgram extends EventEmitter<LaunchedProgramEvents> {
  readonly pid: number;
  /**
   * The session its processes share, which tells them apart from everything
   * else: its own (pid) with pipes, its terminal launcher's in a terminal.
   * Undefined where there are no sessions (Windows).
   */
  readonly sessionLeader: number | undefined;
  /** The exit code once it has exited (see the `exit` event). */
  readonly exited: number | null | undefined;
  /** Input: a pipe's data, or keys typed in the terminal. */
  write(data: string | Buffer): void;
  /** Its stdin ends (pipes); ProcLens lets go of its terminal (terminal). */
  endInput(): void;
  /** ProcLens has read the program's identity from the OS: its pid may be reused from now on. */
  identified(): void;
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

/** A start failure (errno name and all) in words the person can act on. */
export function explainLaunchError(code: string | undefined, detail: string, executable: string, cwd: string): LaunchError {
  switch (code) {
    case 'ENOENT':
      return new LaunchError(`"${executable}" was not found (or the folder "${cwd}" does not exist).`, code);
    case 'EACCES':
      return new LaunchError(`"${executable}" cannot be run: permission denied.`, code);
    default:
      return new LaunchError(`"${executable}" could not be started: ${detail}`, code);
  }
}
