import * as path from 'node:path';
import { diagnoseRun } from '../diagnosis/deadlocks';
import { isAlive, ProcessRecord, RunRecord, StackDump, StacksUnavailable, ThreadStack } from '../model/processRecord';
import { buildProcessTree, ProcessTreeNode } from '../model/processTree';
import { plainText, processDescription, Translate } from './processText';
import { diagnosisText, frameText } from './waitText';

export function unavailableText(reason: StacksUnavailable, t: Translate = plainText): string {
  switch (reason) {
    case 'not-python':
      return t('no Python stacks: not a traced Python process');
    case 'no-signal':
      return t('stacks unavailable: its tracer could not register a signal for them (the program uses it, or the platform has none)');
    case 'not-confirmed':
      return t('not asked: the OS never confirmed this process as part of the run');
    case 'ended':
      return t('not asked: it has ended');
    case 'no-handler':
      return t('not asked: the OS shows no handler for the signal now (it runs another program); the signal would end it');
    case 'no-answer':
      return t('no answer within a second (it may have closed its stack file)');
  }
}

/** A frame's file as a link can open it: relative names are relative to the process's folder then. */
export function frameFile(file: string, dump: StackDump): string {
  return dump.cwd && !path.isAbsolute(file) && !file.startsWith('<') ? path.join(dump.cwd, file) : file;
}

function threadHeading(stack: ThreadStack, record: ProcessRecord, t: Translate): string {
  const thread = record.threads.find((th) => th.tid === stack.tid);
  const details = [
    thread?.main ? t('main thread') : undefined,
    thread?.daemon ? t('daemon') : undefined,
    `tid 0x${stack.tid.toString(16)}`,
    thread?.nativeId ? t('native id {0}', thread.nativeId) : undefined,
    thread?.waiting ? thread.waiting.call + '()' : undefined,
  ].filter(Boolean);
  return t('Thread {0} ({1})', stack.name ?? t('(not started by threading)'), details.join(', '));
}

/**
 * The stacks of a run's processes as text, like a traceback per thread
 * (innermost frame last), grouped under the process tree; each frame reads
 * `File "…", line N, in f`, which the editor turns into a link. Diagnoses
 * come first: they are what the reader came for.
 */
export function renderStacks(run: RunRecord, records: readonly ProcessRecord[], now: number, t: Translate = plainText): string {
  const byPid = new Map(records.map((r) => [r.pid, r]));
  const nameOf = (pid: number) => `${byPid.get(pid)?.name ?? '?'} (PID ${pid})`;
  const lines: string[] = [t('Python stacks of {0}', run.command.join(' ')), t('Innermost frame last, as in a traceback.'), ''];
  for (const diagnosis of diagnoseRun(records, now)) {
    const { problem, fix } = diagnosisText(diagnosis, nameOf, t);
    lines.push(`\u26a0 ${problem}`, `  ${fix}`, '');
  }
  const walk = (nodes: ProcessTreeNode[], depth: number) => {
    for (const node of nodes) {
      const record = node.record;
      const dump = record.stacks;
      if (dump || isAlive(record)) {
        const pad = '  '.repeat(depth);
        const joining = record.joiningPid !== undefined ? byPid.get(record.joiningPid)?.name : undefined;
        lines.push(`${pad}${record.name}  ${processDescription(record, joining, t, now)}`);
        if (!dump) {
          lines.push(`${pad}  ${t('no stacks taken')}`);
        } else if (dump.unavailable) {
          lines.push(`${pad}  ${unavailableText(dump.unavailable, t)}`);
        } else {
          for (const stack of dump.threads) {
            lines.push(`${pad}  ${threadHeading(stack, record, t)}`);
            if (stack.truncated) {
              lines.push(`${pad}    ${t('… outer frames left out')}`);
            }
            for (const frame of stack.frames) {
              lines.push(`${pad}    ${frameText({ ...frame, file: frameFile(frame.file, dump) })}`);
            }
          }
        }
        lines.push('');
      }
      walk(node.children, depth + 1);
    }
  };
  walk(buildProcessTree(records), 0);
  return lines.join('\n');
}
