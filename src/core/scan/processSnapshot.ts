/** One process as the operating system describes it at one moment. */
export interface ProcessSnapshot {
  readonly pid: number;
  readonly ppid: number;
  /** The kernel's short name (Linux `comm`), or the executable's name. */
  readonly name: string;
  /** Exited but not yet waited for by its parent. */
  readonly zombie: boolean;
  /**
   * Tells this process apart from a later one that reuses its pid: the start
   * time in clock ticks from /proc, the start second from ps; on Windows,
   * which gives no start time, only the name (see PsListLister).
   */
  readonly identity: string;
  /** Milliseconds since the epoch, when known. */
  readonly startTime?: number;
  /** Session id (Linux): descendants keep it even when re-parented. */
  readonly sessionId?: number;
  /** User plus system CPU time so far, in milliseconds. */
  readonly cpuMs?: number;
  /** CPU use in percent of one core, when the lister measures it itself. */
  readonly cpuPercent?: number;
  readonly rssBytes?: number;
  /** Threads the OS counts in the process (Linux). */
  readonly threadCount?: number;
  /** For a zombie: the status its parent will get from waitpid(). */
  readonly waitStatus?: number;
}

/**
 * What a lister's OS view holds, so that what it lacks is said (the run's
 * hover, the CLI's JSON) rather than shown wrong. Each lister states its own.
 */
export interface ListerCapabilities {
  /**
   * `exit-status`: zombies are seen, with the wait status their parent will collect.
   * `no-exit-status`: zombies are seen, but a zombie's code is only what the process
   * reported itself, or unknown. `none`: the OS has no zombies (Windows: a process that
   * has ended is gone from the listing).
   */
  readonly zombies: 'exit-status' | 'no-exit-status' | 'none';
  /**
   * Session ids are read: a descendant re-parented (its parent ended) before
   * any scan saw it is still found as the run's. Without them it is not, and
   * so it is never signalled.
   */
  readonly sessions: boolean;
  /**
   * How much earlier than the process really started the OS's start time may
   * read, in milliseconds (whole clock ticks, whole seconds); undefined when
   * the OS gives no start time at all.
   */
  readonly startTimeEarlyMs: number | undefined;
  /** `exact`: the argument vector as passed; `joined`: with spaces, as `ps` prints it; `none`. */
  readonly commandLines: 'exact' | 'joined' | 'none';
}

/** Lists processes. One implementation a platform, chosen once (see chooseLister). */
export interface ProcessLister {
  /** Shown in logs and in the UI where a feature is missing. */
  readonly description: string;
  readonly capabilities: ListerCapabilities;
  /**
   * Every process, each read now. Given the pids the caller follows, a lister
   * may leave out what cannot concern them (the /proc lister does, see
   * incrementalScan.ts); it never reports an old reading instead.
   */
  list(followed?: ReadonlySet<number>): Promise<ProcessSnapshot[]>;
  /** One process as the OS shows it now, or undefined when no such process exists. */
  snapshot(pid: number): Promise<ProcessSnapshot | undefined>;
  /** The current identity of a pid, or undefined when no such process exists. */
  identify(pid: number): Promise<string | undefined>;
  /** The argument vector, when readable. */
  commandLine(pid: number): Promise<string[] | undefined>;
}
