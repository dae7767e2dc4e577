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

/** Python's convention, as in `Process.exitcode`: −N means "ended by signal N". */
export function signalOfExitCode(code: number | null | undefined): string | undefined {
  return code !== null && code !== undefined && code < 0 ? signalName(-code) : undefined;
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
