/**
 * Pure parsers for Linux /proc text. Field numbers follow proc(5).
 */

/** Linux reports times in USER_HZ, fixed at 100 for every user-space interface. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  readonly processGroup: number;
  readonly session: number;
  readonly userTicks: number;
  readonly systemTicks: number;
  /** Field 22: clock ticks after boot. With the pid, it names one process for ever. */
  readonly startTicks: number;
  readonly rssPages: number;
  /** Field 20: threads, Python's and native ones. */
  readonly threads: number;
  /** Field 52 (Linux 3.5+): the waitpid() status, meaningful for a zombie. */
  readonly exitCode: number | undefined;
}

/**
 * Parses /proc/PID/stat. `comm` is in parentheses and may itself contain
 * spaces and ')' (a process may name itself anything), so the fields are
 * counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) {
    return undefined;
  }
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3; field N is rest[N - 3].
  const field = (n: number) => Number(rest[n - 3]);
  if (!Number.isInteger(pid) || rest.length < 22) {
    return undefined;
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: field(4),
    processGroup: field(5),
    session: field(6),
    userTicks: field(14),
    systemTicks: field(15),
    startTicks: field(22),
    rssPages: field(24),
    threads: field(20),
    exitCode: rest.length >= 50 ? field(52) : undefined,
  };
}

/** The boot time (`btime`, seconds since the epoch) from /proc/stat. */
export function parseBootTime(procStatText: string): number | undefined {
  const match = /^btime\s+(\d+)$/m.exec(procStatText);
  return match ? Number(match[1]) : undefined;
}

/** Seconds since boot, the first number of /proc/uptime ("350735.47 234388.90"). */
export function parseUptime(text: string): number | undefined {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  return text.trim() && Number.isFinite(seconds) ? seconds : undefined;
}

/** /proc/PID/cmdline: arguments separated and ended by NUL. */
export function parseCmdline(text: string): string[] {
  const parts = text.split('\0');
  if (parts.length && parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts;
}

/**
 * Bytes per memory page, from this process's own resident size given in kB
 * (/proc/self/status) and in pages (/proc/self/statm): no `getconf` process to
 * start, which cost 15–20 ms of the extension's activation.
 */
export function pageSizeFrom(statusText: string, statmText: string): number {
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB$/m.exec(statusText)?.[1]);
  const pages = Number(statmText.trim().split(/\s+/)[1]);
  if (!(kilobytes > 0) || !(pages > 0)) {
    return 4096;
  }
  // The two files are read a moment apart: take the page size the ratio is nearest to.
  const measured = (kilobytes * 1024) / pages;
  return [4096, 16384, 65536].reduce((best, size) => (Math.abs(size - measured) < Math.abs(best - measured) ? size : best));
}
