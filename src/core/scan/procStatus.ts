import * as fs from 'node:fs/promises';

/**
 * The signals a process has a handler for, from the `SigCgt:` line of
 * /proc/PID/status (a hexadecimal mask, bit N−1 for signal N); undefined when
 * the process is gone or the line is missing.
 */
export function parseCaughtSignals(statusText: string): bigint | undefined {
  const match = /^SigCgt:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText);
  return match ? BigInt('0x' + match[1]) : undefined;
}

export const catches = (mask: bigint, signal: number): boolean => ((mask >> BigInt(signal - 1)) & 1n) === 1n;

/** Linux: whether `pid` has a handler for `signal` right now (a real-time signal's default action ends it). */
export async function handlesSignal(pid: number, signal: number): Promise<boolean> {
  try {
    const mask = parseCaughtSignals(await fs.readFile(`/proc/${pid}/status`, 'utf8'));
    return mask !== undefined && catches(mask, signal);
  } catch {
    return false;
  }
}

/** Linux: the process's working folder, to resolve the relative file names of its frames. */
export async function workingFolder(pid: number): Promise<string | undefined> {
  try {
    return await fs.readlink(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
