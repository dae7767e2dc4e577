import { TracerEvent } from '../../../src/core/protocol/tracerEvents';
import { ProcessSnapshot } from '../../../src/core/scan/processSnapshot';

/*
 * The ground truth the property test judges the model against: one run's
 * processes as the OS and the processes themselves lived them, moment by
 * moment. program.ts drives it with random actions; delivery.ts derives from
 * it what the model is told (tracer messages, OS listings).
 */

export const TOP_PID = 100;
export const LAUNCHER_PID = 50;
export const T0 = 1_000_000;
/**
 * A pid is handed out again only this long after its last holder was gone:
 * the model relies on pids not being reused within a second
 * (membership.ts START_TIME_SLACK_MS), and the OS cycles through its whole pid
 * range first. The extra half second covers the model learning of an end late.
 */
export const REUSE_GAP_MS = 1500;

export type TrueState = 'running' | 'exiting' | 'zombie' | 'gone';
export type Origin = 'init' | 'top' | 'mp' | 'fork' | 'popen' | 'native' | 'foreign';

export interface TrueProcess {
  readonly id: number;
  readonly pid: number;
  /** The OS parent now (1 once re-parented). */
  ppid: number;
  readonly originalPpid: number;
  readonly startTime: number;
  readonly identity: string;
  readonly sessionId: number;
  readonly origin: Origin;
  /** Started by the run's program or its descendants. */
  readonly member: boolean;
  /** Runs Python with the tracer and said hello: it sends messages. */
  readonly speaks: boolean;
  state: TrueState;
  /** What its own code returned (the tracer's exit message). */
  returned?: number | null;
  /** The code waitpid() gives, in Python's convention (−N for signal N). */
  code?: number;
  endedAt?: number;
  goneAt?: number;
  /** Blocked in join() on this process id. */
  joining?: number;
  /** Its OS parent ended while it still ran: an orphan, truly. */
  outlivedParent: boolean;
}

/** One tracer message, with which real process each pid in it meant when it was sent. */
/** A tracer message before it is stamped with the moment it is sent. */
export type Unsent = TracerEvent extends infer E ? (E extends TracerEvent ? Omit<E, 'time'> : never) : never;

export interface Message {
  readonly sender: number;
  readonly event: TracerEvent;
  /** When it was written: its stamp (`event.time`) may be earlier (see World.say). */
  readonly sentAt: number;
  readonly means: ReadonlyMap<number, number>;
}

const PID_POOL = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112];
const ARGV = ['python3', 'main.py'];

export class World {
  time = T0;
  readonly processes: TrueProcess[] = [];
  readonly messages: Message[] = [];
  /** Moments at which the scanner read a listing. */
  readonly scans: number[] = [];
  /** The OS after each moment anything changed, oldest first. */
  private readonly history: { time: number; listing: ProcessSnapshot[] }[] = [];
  programExit?: { time: number; code: number };

  constructor() {
    this.spawn(1, 'init', undefined, 0);
    this.spawn(LAUNCHER_PID, 'foreign', this.processes[0], LAUNCHER_PID);
    this.spawn(TOP_PID, 'top', this.processes[1], TOP_PID, true);
    this.say(this.top, { kind: 'hello', pid: TOP_PID, ppid: LAUNCHER_PID, executable: 'python3', argv: ARGV, pythonVersion: '3.12.0' });
  }

  get top(): TrueProcess {
    return this.processes[2];
  }

  alive(): TrueProcess[] {
    return this.processes.filter((p) => p.state === 'running' || p.state === 'exiting');
  }

  existing(): TrueProcess[] {
    return this.processes.filter((p) => p.state !== 'gone');
  }

  /** Pids a new process may take now. */
  freePids(includeTop: boolean): number[] {
    const pool = includeTop ? [TOP_PID, ...PID_POOL] : PID_POOL;
    return pool.filter((pid) =>
      this.processes.every((p) => p.pid !== pid || (p.state === 'gone' && p.goneAt! + REUSE_GAP_MS <= this.time)),
    );
  }

  snapshotOf(p: TrueProcess): ProcessSnapshot {
    const zombie = p.state === 'zombie';
    const waitStatus = zombie ? waitStatusOf(p.code!) : undefined;
    const name = p.origin === 'native' || p.origin === 'foreign' ? 'sleep' : 'python3';
    return { pid: p.pid, ppid: p.ppid, name, zombie, identity: p.identity, startTime: p.startTime, sessionId: p.sessionId, waitStatus };
  }

  /** The OS listing as it was at `time`. */
  listingAt(time: number): ProcessSnapshot[] {
    let found: ProcessSnapshot[] = [];
    for (const entry of this.history) {
      if (entry.time > time) {
        break;
      }
      found = entry.listing;
    }
    return found;
  }

  /** Ends the current moment: records the OS as it is now. */
  commit(): void {
    const listing = this.existing().map((p) => this.snapshotOf(p));
    const last = this.history[this.history.length - 1];
    if (last?.time === this.time) {
      last.listing = listing;
    } else {
      this.history.push({ time: this.time, listing });
    }
  }

  spawn(pid: number, origin: Origin, parent: TrueProcess | undefined, sessionId: number, speaks = false): TrueProcess {
    const p: TrueProcess = {
      id: this.processes.length,
      pid,
      ppid: parent?.pid ?? 0,
      originalPpid: parent?.pid ?? 0,
      startTime: this.time,
      identity: `ticks-${this.time}-${pid}`,
      sessionId,
      origin,
      member: origin !== 'foreign' && origin !== 'init',
      speaks,
      state: 'running',
      outlivedParent: false,
    };
    this.processes.push(p);
    return p;
  }

  /**
   * `p` sends `event` now; `about` are the other processes it names. It is stamped now, or at
   * `stampedAt`: a report of a start is stamped when start() was called, before the fork.
   */
  say(p: TrueProcess, event: Unsent, about: TrueProcess[] = [], stampedAt = this.time): void {
    if (!p.speaks) {
      return;
    }
    const means = new Map<number, number>([[p.pid, p.id]]);
    for (const other of about) {
      means.set(other.pid, other.id);
    }
    this.messages.push({ sender: p.id, event: { ...event, time: stampedAt } as TracerEvent, sentAt: this.time, means });
  }

  /** The process ends with `code`: a zombie until its parent (or init) collects it. */
  die(p: TrueProcess, code: number): void {
    p.state = 'zombie';
    p.code = code;
    p.endedAt = this.time;
    p.joining = undefined;
    for (const child of this.existing()) {
      if (child.ppid === p.pid && child !== p) {
        child.outlivedParent ||= child.state !== 'zombie';
        child.ppid = 1;
      }
    }
    if (p === this.top) {
      // The launcher is its parent and collects it at once.
      this.programExit = { time: this.time, code };
      this.collect(p);
    }
    this.initCollects();
  }

  /** The parent (or init) collected the exit status: the pid is free again. */
  collect(p: TrueProcess): void {
    p.state = 'gone';
    p.goneAt = this.time;
  }

  private initCollects(): void {
    for (const p of this.existing()) {
      if (p.state === 'zombie' && p.ppid === 1) {
        this.collect(p);
      }
    }
  }
}

/** What /proc shows for a zombie, from Python's exit code. */
export function waitStatusOf(code: number): number {
  return code < 0 ? -code : (code & 0xff) << 8;
}
