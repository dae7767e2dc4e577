import { Diagnosis } from '../diagnosis/deadlocks';
import { StackFrame, WaitSpan } from '../model/processRecord';
import { taskCallText } from './poolText';
import { formatDuration, formatExitCode, plainText, Translate } from './processText';

/** `1.0 MB`, `64 KB`, `512 bytes`: sizes as a person reads them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * What a blocked call waits for, in the words of the row: `waiting in
 * Queue.get()`, `Queue.put() on a full queue`, `Pool.map() waiting for 3
 * results`, `exiting: Queue feeder still writing 1.0 MB`.
 */
export function waitText(wait: WaitSpan, t: Translate = plainText): string {
  const call = `${wait.call}()`;
  switch (wait.kind) {
    case 'queue-put':
      return t('{0} on a full queue', call);
    case 'queue-join':
      return t('{0}: tasks not yet done', call);
    case 'queue-feeder':
      return wait.bytes !== null
        ? t('exiting: Queue feeder still writing {0}', formatBytes(wait.bytes))
        : t('exiting: Queue feeder still writing');
    case 'pool':
      return wait.on ? t('{0} waiting for {1}', call, wait.on) : t('{0} waiting for its result', call);
    case 'thread-join':
      return wait.on ? t('{0} on {1}', call, wait.on) : call;
    default:
      return t('waiting in {0}', call);
  }
}

/** The wait with how long it has lasted: `waiting in Queue.get() · 3.2 s`. */
export function waitWithDuration(wait: WaitSpan, now: number, t: Translate = plainText): string {
  return `${waitText(wait, t)} · ${formatDuration(Math.max(0, now - wait.enteredAt))}`;
}

/** `file:line`, or the file alone. */
export function siteText(site: { readonly file: string | null; readonly line: number | null } | null | undefined): string | undefined {
  if (!site?.file) {
    return undefined;
  }
  return site.line !== null ? `${site.file}:${site.line}` : site.file;
}

/** One frame as a traceback prints it. */
export const frameText = (frame: StackFrame): string =>
  `File "${frame.file}", line ${frame.line ?? '?'}, in ${frame.function}`;

/** A process's name for a diagnosis: `Process-1 (PID 4711)`. */
export type NameOf = (pid: number) => string;

/** The diagnosis in one sentence, and the fix in another. */
export function diagnosisText(diagnosis: Diagnosis, nameOf: NameOf, t: Translate = plainText): { problem: string; fix: string } {
  switch (diagnosis.kind) {
    case 'join-unread-queue':
      return {
        problem:
          diagnosis.bytes !== null
            ? t('Deadlock: {0} joins {1}, which cannot exit until the {2} its Queue still holds are read.', nameOf(diagnosis.pid), nameOf(diagnosis.childPid), formatBytes(diagnosis.bytes))
            : t('Deadlock: {0} joins {1}, which cannot exit until the data its Queue still holds is read.', nameOf(diagnosis.pid), nameOf(diagnosis.childPid)),
        fix: t('Read everything from the queue before join().'),
      };
    case 'wait-cycle':
      return {
        problem: t('Deadlock: every process of the run is waiting for another ({0}).', diagnosis.pids.map(nameOf).join(', ')),
        fix: t('Break the cycle: never join or wait for a process that waits for you; read queues before join() and release locks before waiting.'),
      };
    case 'pool-lost-worker':
      return {
        problem: diagnosis.task
          ? t(
              '{0} waits for results that {1} will never send: it ended with exit code {2} while running {3}.',
              nameOf(diagnosis.pid),
              nameOf(diagnosis.workerPid),
              diagnosis.exitCode === null ? '?' : formatExitCode(diagnosis.exitCode),
              taskCallText(diagnosis.task, t),
            )
          : t(
              '{0} waits for results that {1} will never send: it ended with exit code {2}.',
              nameOf(diagnosis.pid),
              nameOf(diagnosis.workerPid),
              diagnosis.exitCode === null ? '?' : formatExitCode(diagnosis.exitCode),
            ),
        fix: t('A Pool does not redo the task of a worker that died: find why it ended, or use ProcessPoolExecutor, which raises BrokenProcessPool.'),
      };
  }
}
