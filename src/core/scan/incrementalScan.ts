import { ProcessSnapshot } from './processSnapshot';

/**
 * How often a tick reads every process anyway. In between, a process whose
 * last reading ties it to no followed one is not read again, and it can have
 * become a run's meanwhile: its pid was reused between two ticks (an
 * unrelated process ended and a new one of a run got its number, so the pid
 * is in both listings and is not new), or, rarer still, its parent ended and
 * it was handed to a subreaper of the run before a tick read it as the run's.
 * Linux hands pids out in turn up to pid_max, so a reuse within one tick
 * takes the whole pid space to come round: rare, and such a process then
 * shows at most this late. A full read of 2,000 processes costs 40-50 ms
 * (P3 in docs/benchmarks.md): every 5 s, about 1 % of one core.
 */
export const FULL_READ_EVERY_MS = 5000;

/** What one tick reads, of the pids /proc listed. */
export interface ScanTick {
  readonly sequence: number;
  readonly listedAt: number;
  /** Every pid /proc listed. */
  readonly present: readonly number[];
  /** The pids to read: all of `present` in a full read. */
  readonly toRead: readonly number[];
  readonly full: boolean;
}

/**
 * Chooses which processes a tick reads, from the pids /proc lists now, the
 * pids the caller follows, and the last reading of every other pid. A tick
 * reads every process that is new since the last tick (any new process of a
 * run is new), followed, or in the session of a followed pid, and, by their
 * last readings, every descendant of those. What is left has nothing to do
 * with the followed processes as far as its last reading shows, and is left
 * out of the listing: it is never reported from an old reading, because an
 * old reading is a guess.
 */
export class IncrementalScan {
  /** The last reading of every pid /proc listed at the latest tick remembered. */
  private lastReadings = new Map<number, ProcessSnapshot>();
  private lastFullReadAt = -Infinity;
  private ticks = 0;
  private remembered = 0;

  constructor(
    private readonly fullReadEveryMs = FULL_READ_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A full read without `followed`, when none is remembered yet, or when one is due. */
  choose(present: readonly number[], followed?: ReadonlySet<number>): ScanTick {
    const listedAt = this.now();
    const full = !followed || this.remembered === 0 || listedAt - this.lastFullReadAt >= this.fullReadEveryMs;
    const toRead = full ? present : this.concerning(present, followed);
    return { sequence: ++this.ticks, listedAt, present, toRead, full };
  }

  /** Keeps what `tick` read, and the last readings of the pids it left out and that are still there. */
  remember(tick: ScanTick, read: readonly ProcessSnapshot[]): void {
    if (tick.sequence < this.remembered) {
      // A tick that listed /proc later has finished first (two callers at once): its view is newer.
      return;
    }
    this.remembered = tick.sequence;
    if (tick.full) {
      this.lastFullReadAt = tick.listedAt;
    }
    const wasRead = new Set(tick.toRead);
    const readings = new Map<number, ProcessSnapshot>();
    for (const pid of tick.present) {
      const last = this.lastReadings.get(pid);
      if (last && !wasRead.has(pid)) {
        readings.set(pid, last);
      }
    }
    // A pid read but not found has ended since /proc listed it: it is forgotten, and new if it comes back.
    for (const snapshot of read) {
      readings.set(snapshot.pid, snapshot);
    }
    this.lastReadings = readings;
  }

  private concerning(present: readonly number[], followed: ReadonlySet<number>): number[] {
    const toRead = new Set<number>();
    const childrenOf = new Map<number, number[]>();
    for (const pid of present) {
      const last = this.lastReadings.get(pid);
      if (!last || followed.has(pid) || (last.sessionId !== undefined && followed.has(last.sessionId))) {
        toRead.add(pid);
      } else {
        const siblings = childrenOf.get(last.ppid);
        if (siblings) {
          siblings.push(pid);
        } else {
          childrenOf.set(last.ppid, [pid]);
        }
      }
    }
    // A child of a process that is read may now be a run's too (its parent was confirmed later, or adopted).
    const queue = [...toRead];
    while (queue.length) {
      for (const child of childrenOf.get(queue.pop()!) ?? []) {
        if (!toRead.has(child)) {
          toRead.add(child);
          queue.push(child);
        }
      }
    }
    return [...toRead];
  }
}
