import { constants } from 'node:os';

const signalNames = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

export function signalName(signalNumber: number): string | undefined {
  return signalNames.get(signalNumber);
}

export function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number>)[name];
}

/**
 * What the model may conclude from an exit code depends on the OS the program ran on:
 * POSIX has signals and zombies; Windows has neither (a process is ended with
 * TerminateProcess, which sets the exit code the caller chose, and a process that has
 * ended is gone from every listing). Decided at the edge, from process.platform.
 */
export type OsFamily = 'posix' | 'windows';

export const osFamily = (platform: NodeJS.Platform): OsFamily => (platform === 'win32' ? 'windows' : 'posix');

/**
 * Python's convention, as in `Process.exitcode`: −N means "ended by signal N". On Windows
 * no signal ends a process: multiprocessing reports its own terminate() as −15 (its
 * TerminateProcess code 0x10000, see multiprocessing/popen_spawn_win32.py), but nothing
 * was signalled, so no signal is named.
 */
export function signalOfExitCode(code: number | null | undefined, os: OsFamily = 'posix'): string | undefined {
  return os === 'posix' && code !== null && code !== undefined && code < 0 ? signalName(-code) : undefined;
}

/**
 * Decodes a waitpid() status (as /proc shows it for a zombie) into Python's
 * exit code: the low 7 bits are the signal that killed it, else bits 8-15 are
 * the code it passed to exit().
 */
export function exitCodeFromWaitStatus(status: number): number {
  const signal = status & 0x7f;
  return signal !== 0 ? -signal : (status >> 8) & 0xff;
}
