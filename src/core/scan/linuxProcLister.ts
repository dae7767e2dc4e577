import * as fs from 'node:fs';
import { ProcessLister, ProcessSnapshot } from './processSnapshot';
import { CLOCK_TICKS_PER_SECOND, pageSizeFrom, parseBootTime, parseCmdline, parseProcStat, parseUptime, ProcStat } from './procStat';

/**
 * Lists processes by reading /proc directly: one small read a process, no
 * child process, and the zombie state, session and start ticks that `ps`
 * output would make us parse again.
 */
export class LinuxProcLister implements ProcessLister {
  readonly description = 'Linux /proc';
  readonly seesZombies = true;
  private readonly bootTimeMs: number;
  private readonly pageBytes: number;

  constructor(private readonly procRoot = '/proc') {
    this.bootTimeMs = bootTime(procRoot);
    this.pageBytes = pageSizeFrom(readText(`${procRoot}/self/status`) ?? '', readText(`${procRoot}/self/statm`) ?? '');
  }

  async list(): Promise<ProcessSnapshot[]> {
    const snapshots: ProcessSnapshot[] = [];
    for (const entry of fs.readdirSync(this.procRoot)) {
      const code = entry.charCodeAt(0);
      if (code < 48 || code > 57) {
        continue;
      }
      const stat = this.readStat(Number(entry));
      if (stat) {
        snapshots.push(this.toSnapshot(stat));
      }
    }
    return snapshots;
  }

  async identify(pid: number): Promise<string | undefined> {
    const stat = this.readStat(pid);
    return stat ? String(stat.startTicks) : undefined;
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

