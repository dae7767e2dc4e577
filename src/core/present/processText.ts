import { ProcessRecord, RunRecord } from '../model/processRecord';
import { exitCodeName } from './exitCodeText';
import { currentWait } from '../model/threadsAndWaits';
import { workerTaskText } from './poolText';
import { waitWithDuration } from './waitText';

/**
 * Turns a message with {0}-style placeholders into text. The extension passes
 * `vscode.l10n.t`; the CLI uses `plainText`, so both say the same things.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const plainText: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)]));

/** −15 rather than -15: the typographic minus reads better in a tree. */
export function formatExitCode(code: number): string {
  return code < 0 ? `\u2212${-code}` : String(code);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The short state words after the PID: `alive`, `exited 0`, `exited −15 (SIGTERM)`, `zombie (not joined)`… */
export function stateText(record: ProcessRecord, joiningName: string | undefined, t: Translate = plainText): string {
  switch (record.state) {
    case 'running':
      return t('alive');
    case 'joining':
      return joiningName ? t('joining {0}', joiningName) : t('joining');
    case 'exiting':
      return t('exiting');
    case 'zombie':
      return zombieText(record.kind, t);
    case 'exited':
      return exitedText(record.exitCode, record.signal, t);
  }
}

/** `exited`, `exited 0`, `exited −15 (SIGTERM)`, `exited 3221225786 (STATUS_CONTROL_C_EXIT)`. */
function exitedText(code: number | null | undefined, signal: string | undefined, t: Translate): string {
  if (code === null || code === undefined) {
    return t('exited');
  }
  const name = signal ?? exitCodeName(code);
  return name ? t('exited {0} ({1})', formatExitCode(code), name) : t('exited {0}', formatExitCode(code));
}

/**
 * `join()` is multiprocessing's word; the parent of any other child collects
 * its exit status with `wait()` (`subprocess.Popen.wait`, `os.waitpid`).
 */
export function zombieText(kind: ProcessRecord['kind'], t: Translate = plainText): string {
  return kind === 'mp-child' ? t('zombie (not joined)') : t('zombie (not waited for)');
}

/** `PID 4711 · alive · daemon`, `PID 4711 · exited 0 · 2.0 s`, `PID 4711 · joining Piao-2 · orphan`. */
export function processDescription(
  record: ProcessRecord,
  joiningName: string | undefined,
  t: Translate = plainText,
  now?: number,
): string {
  const parts = [t('PID {0}', record.pid), stateText(record, joiningName, t)];
  // A blocked call says more than `alive`; only a caller with a clock can say for how long.
  const wait = now !== undefined && record.state !== 'joining' ? currentWait(record) : undefined;
  if (wait) {
    parts[1] = waitWithDuration(wait, now!, t);
  } else if (now !== undefined && record.state === 'joining' && record.joins.length) {
    parts[1] += ` · ${formatDuration(Math.max(0, now - record.joins[record.joins.length - 1].enteredAt))}`;
  }
  // A pool worker's task says more than `alive` too.
  const task = workerTaskText(record, now, t);
  if (task && record.state === 'running' && !wait) {
    parts[1] = task;
  } else if (task) {
    parts.push(task);
  }
  if (record.state === 'exited' && !record.signal && record.startedAt && record.endedAt) {
    parts.push(lifetimeText(record, record.endedAt)!);
  }
  if (record.daemon) {
    parts.push(t('daemon'));
  }
  if (record.orphan) {
    parts.push(t('orphan'));
  }
  return parts.join(' · ');
}

/** `live`, `exited 0`, `exited −15 (SIGTERM)`, or why it could not start. */
export function runStateText(run: RunRecord, t: Translate = plainText): string {
  if (run.error) {
    return t('failed to start: {0}', run.error);
  }
  if (run.state === 'live') {
    if (run.attached) {
      return t('following');
    }
    return run.exitCode === undefined ? t('live') : t('live (program exited {0})', formatExitCode(run.exitCode ?? 0));
  }
  if (run.exitCode === null || run.exitCode === undefined) {
    return t('finished');
  }
  return exitedText(run.exitCode, run.signal, t);
}

/** `22:36:20`, or with `(to the second, from ps)` when the OS's coarse start time is all there is. */
export function startedText(record: Pick<ProcessRecord, 'startedAt' | 'startedAtEarlyMs'>, t: Translate = plainText): string | undefined {
  if (record.startedAt === undefined) {
    return undefined;
  }
  const time = new Date(record.startedAt).toLocaleTimeString();
  return record.startedAtEarlyMs !== undefined ? t('{0} (to the second, from ps)', time) : time;
}

/** How long it has lived: `2.0 s`, or `≤ 3.4 s` when its start time may read early. */
export function lifetimeText(record: Pick<ProcessRecord, 'startedAt' | 'startedAtEarlyMs' | 'endedAt'>, now: number): string | undefined {
  if (record.startedAt === undefined) {
    return undefined;
  }
  const lifetime = formatDuration(Math.max(0, (record.endedAt ?? now) - record.startedAt));
  return record.startedAtEarlyMs !== undefined ? `\u2264 ${lifetime}` : lifetime;
}
