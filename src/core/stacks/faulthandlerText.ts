import { StackFrame } from '../model/processRecord';

/** One thread as faulthandler prints it; frames innermost last (the reverse of its order). */
export interface DumpedThread {
  readonly tid: number;
  readonly current: boolean;
  readonly frames: StackFrame[];
  readonly truncated: boolean;
}

const HEADER = /^(Current thread|Thread) 0x([0-9a-fA-F]+)(?: \[[^\]]*\])? \(most recent call first\):$/;
const FRAME = /^ {2}File "(.*)", line (\d+|\?\?\?) in (.*)$/;

/**
 * Parses what `faulthandler.dump_traceback(all_threads=True)` writes:
 *
 *     Thread 0x00007f1bdab4d6c0 (most recent call first):
 *       File "/usr/lib/python3.11/threading.py", line 327 in wait
 *       File "worker.py", line 6 in worker
 *
 *     Current thread 0x00007f1bdb9fab80 (most recent call first):
 *       File "worker.py", line 15 in <module>
 *
 * faulthandler prints a thread's innermost frame first; here it is last, as
 * in a traceback. Lines it adds when it gives up (`...` past 100 frames,
 * `<no Python frame>`) or text cut off mid-write are tolerated, never fatal.
 */
export function parseFaulthandlerDump(text: string): DumpedThread[] {
  const threads: DumpedThread[] = [];
  let current: DumpedThread | undefined;
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      // BigInt first: a pthread_t is a 64-bit address, past Number's exact integers only in theory.
      current = { tid: Number(BigInt('0x' + header[2])), current: header[1] === 'Current thread', frames: [], truncated: false };
      threads.push(current);
      continue;
    }
    if (!current) {
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame) {
      current.frames.unshift({ file: frame[1], line: frame[2] === '???' ? null : Number(frame[2]), function: frame[3] });
    } else if (line.trim() === '...') {
      (current as { truncated: boolean }).truncated = true;
    }
  }
  return threads;
}
