import { constants } from 'node:os';

const signalNames = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

const signalMeanings: Record<string, string> = {
  SIGTERM: 'ended by SIGTERM (terminate)',
  SIGKILL: 'ended by SIGKILL (kill)',
  SIGINT: 'interrupted by SIGINT (Ctrl+C)',
  SIGHUP: 'ended by SIGHUP (hang-up)',
  SIGSEGV: 'crashed with SIGSEGV (segmentation fault)',
  SIGABRT: 'aborted with SIGABRT',
  SIGPIPE: 'ended by SIGPIPE (wrote to a closed pipe)',
};

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

/** What an exit code means, in words a learner can use. */
export function describeExitCode(code: number | null | undefined): string {
  if (code === undefined) {
    return 'still running';
  }
  if (code === null) {
    return 'exit code unknown';
  }
  if (code === 0) {
    return 'success';
  }
  if (code < 0) {
    const name = signalName(-code);
    return name ? (signalMeanings[name] ?? `ended by ${name}`) : `ended by signal ${-code}`;
  }
  if (code === 1) {
    return 'failed (an exception, or sys.exit(1))';
  }
  return `failed with code ${code}`;
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
