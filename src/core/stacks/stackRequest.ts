import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isAlive, isConfirmed, ProcessRecord, StackDump, StacksUnavailable, ThreadStack } from '../model/processRecord';
import { DumpedThread, parseFaulthandlerDump } from './faulthandlerText';

/** What taking stacks needs from the platform; decided by the caller (see ProcessTracker). */
export interface StackRequestOptions {
  /** The run's private folder the tracers write `<pid>.stack` into. */
  readonly folder: string;
  /** The identity the OS gives the pid now (see ProcessSnapshot.identity). */
  readonly identify: (pid: number) => Promise<string | undefined>;
  /** Whether the process has a handler for the signal now: without one, the signal would end it. */
  readonly handlesSignal: (pid: number, signal: number) => Promise<boolean>;
  readonly workingFolder?: (pid: number) => Promise<string | undefined>;
  /** Sends the signal (process.kill); a seam for tests. */
  readonly kill?: (pid: number, signal: number) => void;
  /** How long a process may take to write its stacks (default 1 s). */
  readonly answerMs?: number;
  readonly now?: () => number;
}

const POLL_MS = 20;

/** The stack file of `pid` in the run's folder; the tracer opens the same name. */
export const stackFile = (folder: string, pid: number): string => path.join(folder, `${pid}.stack`);

/** Whether `record` may be asked for its stacks, and with which signal. */
async function askable(record: ProcessRecord, options: StackRequestOptions): Promise<number | StacksUnavailable> {
  if (!isAlive(record)) {
    return 'ended';
  }
  if (!record.python || !record.traced) {
    return 'not-python';
  }
  if (typeof record.stackSignal !== 'number') {
    return 'no-signal';
  }
  if (!isConfirmed(record) || (await options.identify(record.pid)) !== record.identity) {
    // Never act on a guess: a pid whose owner the OS does not confirm is not signalled.
    return isConfirmed(record) ? 'ended' : 'not-confirmed';
  }
  if (!(await options.handlesSignal(record.pid, record.stackSignal))) {
    return 'no-handler';
  }
  return record.stackSignal;
}

/** Reads the file until it holds a whole dump: faulthandler writes it at once, from the signal handler. */
async function answer(file: string, deadline: number, now: () => number): Promise<DumpedThread[] | undefined> {
  let lastText = '';
  for (;;) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    // Unchanged since the last look, and parsed into threads: the handler has finished writing.
    if (text && text === lastText) {
      const threads = parseFaulthandlerDump(text);
      if (threads.length) {
        return threads;
      }
    }
    lastText = text;
    if (now() >= deadline) {
      const threads = parseFaulthandlerDump(text);
      return threads.length ? threads : undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function named(record: ProcessRecord, dumped: DumpedThread[]): ThreadStack[] {
  const stacks = dumped.map((thread): ThreadStack => {
    const known = [...record.threads].reverse().find((t) => t.tid === thread.tid && (t.endedAt === undefined || t.main));
    return { tid: thread.tid, name: known?.name ?? null, current: thread.current, frames: thread.frames, truncated: thread.truncated };
  });
  // The main thread first, then in the order the threads were started, as a person reads a program.
  const rank = (stack: ThreadStack) => {
    const index = record.threads.findIndex((t) => t.tid === stack.tid);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  return stacks.sort((a, b) => rank(a) - rank(b));
}

/**
 * Takes the current Python stack of every thread of each of `records`, at
 * once: each live, confirmed, traced process is sent the real-time signal its
 * tracer registered with faulthandler, which writes every thread's stack
 * from the signal handler (even while C code holds the GIL), and the program
 * goes on. No ptrace, no thread in the program. A process that cannot be
 * asked safely gets the reason instead of a stack.
 */
export async function takeStacks(records: readonly ProcessRecord[], options: StackRequestOptions): Promise<Map<string, StackDump>> {
  const now = options.now ?? Date.now;
  const kill = options.kill ?? ((pid, signal) => process.kill(pid, signal));
  const dumps = new Map<string, StackDump>();
  const asked: Array<{ record: ProcessRecord; file: string; cwd: Promise<string | undefined> }> = [];
  for (const record of records) {
    const signal = await askable(record, options);
    if (typeof signal !== 'number') {
      dumps.set(record.key, { takenAt: now(), threads: [], unavailable: signal });
      continue;
    }
    const file = stackFile(options.folder, record.pid);
    try {
      // The tracer appends: an empty file holds only this answer.
      await fs.truncate(file, 0);
      kill(record.pid, signal);
    } catch {
      dumps.set(record.key, { takenAt: now(), threads: [], unavailable: 'no-answer' });
      continue;
    }
    asked.push({ record, file, cwd: options.workingFolder?.(record.pid) ?? Promise.resolve(undefined) });
  }
  const takenAt = now();
  const deadline = takenAt + (options.answerMs ?? 1000);
  await Promise.all(
    asked.map(async ({ record, file, cwd }) => {
      const dumped = await answer(file, deadline, now);
      dumps.set(
        record.key,
        dumped ? { takenAt, threads: named(record, dumped), cwd: await cwd } : { takenAt, threads: [], unavailable: 'no-answer' },
      );
    }),
  );
  return dumps;
}
