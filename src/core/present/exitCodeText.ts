import { signalName } from '../model/exitCodes';
import { plainText, Translate } from './processText';

/** What an exit code means, in words a learner can use. */
export function describeExitCode(code: number | null | undefined, t: Translate = plainText): string {
  if (code === undefined) {
    return t('still running');
  }
  if (code === null) {
    return t('exit code unknown');
  }
  if (code === 0) {
    return t('success');
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
