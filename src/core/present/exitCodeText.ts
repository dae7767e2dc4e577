import { OsFamily, signalName } from '../model/exitCodes';
import { plainText, Translate } from './processText';

/**
 * Windows's own codes for how a process ended (NTSTATUS values), as Python and Node
 * report them: unsigned, so above every code a POSIX process can exit with (0-255) or
 * Python's −N for a signal. A code this high can only come from Windows.
 */
const NT_STATUS: ReadonlyMap<number, string> = new Map([
  [0xc000013a, 'STATUS_CONTROL_C_EXIT'],
  [0xc0000005, 'STATUS_ACCESS_VIOLATION'],
  [0xc00000fd, 'STATUS_STACK_OVERFLOW'],
  [0xc0000409, 'STATUS_STACK_BUFFER_OVERRUN'],
]);

const isNtStatus = (code: number) => code >= 0x80000000 && code <= 0xffffffff;

/** `0xC000013A`: how Windows's documentation writes such a code. */
export const hexExitCode = (code: number) => `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;

/**
 * The short name shown after a Windows status code in the tree (`exited 3221225786
 * (STATUS_CONTROL_C_EXIT)`), as a signal's name is after −N; undefined for any other code.
 */
export function exitCodeName(code: number | null | undefined): string | undefined {
  if (code === null || code === undefined || !isNtStatus(code)) {
    return undefined;
  }
  return NT_STATUS.get(code) ?? hexExitCode(code);
}

/**
 * What an exit code means, in words a learner can use. `os` is where the process ran:
 * on Windows nothing is signalled, and a process ended by TerminateProcess exits with
 * the code its caller chose (1 from subprocess's terminate(), Node's kill and so
 * ProcLens's Terminate, Kill and Stop Run; multiprocessing reports its own as −15).
 */
export function describeExitCode(code: number | null | undefined, t: Translate = plainText, os: OsFamily = 'posix'): string {
  if (code === undefined) {
    return t('still running');
  }
  if (code === null) {
    return t('exit code unknown');
  }
  if (code === 0) {
    return t('success');
  }
  if (isNtStatus(code)) {
    return describeNtStatus(code, t);
  }
  if (os === 'windows') {
    if (code === -15) {
      return t('ended at once by terminate() (TerminateProcess): multiprocessing reports that as −15, though no signal exists on Windows');
    }
    if (code === 1) {
      return t('failed (an exception, or sys.exit(1)), or ended at once by TerminateProcess (Popen.terminate(), or Terminate, Kill or Stop Run here), which gives 1');
    }
    return t('failed with code {0}', code);
  }
  if (code < 0) {
    const name = signalName(-code);
    return name ? describeSignal(name, t) : t('ended by signal {0}', -code);
  }
  if (code === 1) {
    return t('failed (an exception, or sys.exit(1))');
  }
  return t('failed with code {0}', code);
}

function describeNtStatus(code: number, t: Translate): string {
  switch (code) {
    case 0xc000013a:
      return t('interrupted by Ctrl+C (STATUS_CONTROL_C_EXIT)');
    case 0xc0000005:
      return t('crashed: access violation (STATUS_ACCESS_VIOLATION)');
    case 0xc00000fd:
      return t('crashed: stack overflow (STATUS_STACK_OVERFLOW)');
    case 0xc0000409:
      return t('ended by a fail-fast (STATUS_STACK_BUFFER_OVERRUN): abort(), or memory found corrupted');
    default:
      // Not one it knows: the number as Windows's documentation writes it, no meaning guessed
      // (sys.exit(-1) gives 0xFFFFFFFF there, too).
      return t('failed with code {0} ({1})', code, hexExitCode(code));
  }
}

function describeSignal(name: string, t: Translate): string {
  switch (name) {
    case 'SIGTERM':
      return t('ended by SIGTERM (terminate)');
    case 'SIGKILL':
      return t('ended by SIGKILL (kill)');
    case 'SIGINT':
      return t('interrupted by SIGINT (Ctrl+C)');
    case 'SIGHUP':
      return t('ended by SIGHUP (hang-up)');
    case 'SIGSEGV':
      return t('crashed with SIGSEGV (segmentation fault)');
    case 'SIGABRT':
      return t('aborted with SIGABRT');
    case 'SIGPIPE':
      return t('ended by SIGPIPE (wrote to a closed pipe)');
    default:
      return t('ended by {0}', name);
  }
}

/**
 * A signal ProcLens (or a parent) asked for, as the hover lists it. On Windows Terminate
 * and Kill are one and the same: TerminateProcess ends the process at once, with no
 * handler, no clean-up and exit code 1.
 */
export function signalRequestText(signal: string, t: Translate = plainText, os: OsFamily = 'posix'): string {
  if (os === 'windows' && (signal === 'SIGTERM' || signal === 'SIGKILL')) {
    return signal === 'SIGKILL' ? t('Kill: ended at once (TerminateProcess)') : t('Terminate: ended at once (TerminateProcess)');
  }
  return signal;
}
