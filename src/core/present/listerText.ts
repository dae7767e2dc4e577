import { RunLister } from '../model/processRecord';
import { plainText, Translate } from './processText';

/**
 * What the run's process list cannot see, one sentence each, so that a gap is said rather
 * than shown as a fact: the run's hover, the CLI's tree and its JSON list them. None for
 * Linux /proc, which sees all of it.
 */
export function listerLimits(lister: RunLister | undefined, t: Translate = plainText): string[] {
  if (!lister) {
    return [];
  }
  const can = lister.capabilities;
  const limits: string[] = [];
  if (!can.sessions) {
    limits.push(t('It reads no sessions: a process whose parent ended before a scan saw it is not found as this run’s, so ProcLens never signals it and Stop Run cannot end it.'));
  }
  if (can.zombies === 'no-exit-status') {
    limits.push(t('It shows zombies without their exit status: until its parent collects it, a zombie’s exit code is only what the process reported itself, or unknown.'));
  }
  if (can.startTimeEarlyMs === undefined) {
    limits.push(t('It reads no start times: a process found only by the scan has none, and a later process with the same PID, name and creator cannot be told apart.'));
  } else if (can.startTimeEarlyMs >= 1000) {
    limits.push(t('Its start times are whole seconds and may read up to {0} s early: a process found only by the scan has its start and lifetime no more precise than that.', can.startTimeEarlyMs / 1000));
  }
  if (can.commandLines === 'joined') {
    limits.push(t('Its command lines are the arguments joined with spaces, as ps prints them.'));
  } else if (can.commandLines === 'none') {
    limits.push(t('It reads no command lines.'));
  }
  return limits;
}

/** `ps-list: it reads no sessions…` for the CLI; the hover puts the name in a heading instead. */
export function listerSummary(lister: RunLister | undefined, t: Translate = plainText): string | undefined {
  const limits = listerLimits(lister, t);
  return lister && limits.length ? t('Process list: {0}. {1}', lister.description, limits.join(' ')) : undefined;
}
