import * as fs from 'node:fs';
import { IncrementalScan } from './incrementalScan';
import { ListerCapabilities, ProcessLister, ProcessSnapshot } from './processSnapshot';
import { CLOCK_TICKS_PER_SECOND, pageSizeFrom, parseBootTime, parseCmdline, parseProcStat, parseUptime, ProcStat } from './procStat';

/**
 * How many /proc entries are read between two turns of the event loop. One
 * read takes 20-30 µs, so a batch holds the extension host for about 3 ms at
 * most, even while 2,000 processes are listed.
 */
const BATCH = 128;

/**
 * Lists processes by reading /proc directly: one small read a process, no
 * child process, and the zombie state, session and start ticks that `ps`
 * output would make us parse again. A listing is read in batches, yielding
 * to the event loop between them, so the host never waits on it for long.
 * Given the pids the caller follows, a tick reads only the processes that
 * can concern them, and every few seconds all (see incrementalScan.ts).
 */
export class LinuxProcLister implements ProcessLister {
  readonly description = 'Linux /proc';
  /** Start times are whole clock ticks after a boot time read to the hundredth of a second. */
  readonly capabilities: ListerCapabilities = { zombies: 'exit-status', sessions: true, startTimeEarlyMs: 20, commandLines: 'exact' };
  private readonly bootTimeMs: number;
  private readonly pageBytes: number;

  constructor(
    private readonly procRoot = '/proc',
    private readonly ticks = new IncrementalScan(),
  ) {
    this.bootTimeMs = bootTime(procRoot);
    this.pageBytes = pageSizeFrom(readText(`${procRoot}/self/status`) ?? '', readText(`${procRoot}/self/statm`) ?? '');
  }

  async list(followed?: ReadonlySet<number>): Promise<ProcessSnapshot[]> {
    // One readdir of /proc takes well under a millisecond even with thousands of entries.
    const present = fs
      .readdirSync(this.procRoot)
      .filter((entry) => {
        const code = entry.charCodeAt(0);
        return code >= 48 && code <= 57;
      })
      .map(Number);
    const tick = this.ticks.choose(present, followed);
    const snapshots: ProcessSnapshot[] = [];
    for (let start = 0; start < tick.toRead.length; start += BATCH) {
      if (start > 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const pid of tick.toRead.slice(start, start + BATCH)) {
        const stat = this.readStat(pid);
        if (stat) {
          snapshots.push(this.toSnapshot(stat));
        }
      }
    }
    this.ticks.remember(tick, snapshots);
    return snapshots;
  }

  async snapshot(pid: number): Promise<ProcessSnapshot | undefined> {
    const stat = this.readStat(pid);
    return stat && this.toSnapshot(stat);
  }

  async identify(pid: number): Promise<string | undefined> {
    return (await this.snapshot(pid))?.identity;
  }

  async commandLine(pid: number): Promise<string[] | undefined> {
    const text = readText(`${this.procRoot}/${pid}/cmdline`);
    return text === undefined ? undefined : parseCmdline(text);
  }

  private readStat(pid: number): ProcStat | undefined {
    const text = readText(`${this.procRoot}/${pid}/stat`);
    return text === undefined ? undefined : parseProcStat(text);
  }

  private toSnapshot(stat: ProcStat): ProcessSnapshot {
    const zombie = stat.state === 'Z';
    return {
      pid: stat.pid,
      ppid: stat.ppid,
      name: stat.comm,
      zombie,
      identity: String(stat.startTicks),
      startTime: this.bootTimeMs + (stat.startTicks * 1000) / CLOCK_TICKS_PER_SECOND,
      sessionId: stat.session,
      cpuMs: ((stat.userTicks + stat.systemTicks) * 1000) / CLOCK_TICKS_PER_SECOND,
      rssBytes: stat.rssPages * this.pageBytes,
      threadCount: stat.threads,
      waitStatus: zombie ? stat.exitCode : undefined,
    };
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // The process ended between readdir and read: it is simply not there.
    return undefined;
  }
}

/**
 * When the machine booted, in epoch milliseconds. /proc/uptime has
 * hundredths of a second; `btime` in /proc/stat only whole seconds, which
 * would put every start time up to a second early.
 */
function bootTime(procRoot: string): number {
  const uptime = parseUptime(readText(`${procRoot}/uptime`) ?? '');
  if (uptime !== undefined) {
    return Date.now() - uptime * 1000;
  }
  return (parseBootTime(readText(`${procRoot}/stat`) ?? '') ?? 0) * 1000;
}

