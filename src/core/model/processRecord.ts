import { PoolKind, SourceSite, TargetSite, WaitKind } from '../protocol/tracerEvents';
import type { ListerCapabilities } from '../scan/processSnapshot';

/**
 * `running`: alive. `joining`: alive and blocked in `join()` on a child.
 * `exiting`: its own code has finished (the tracer said so) but the process
 * still runs: exit handlers, queue feeder threads flushing. `zombie`: the OS
 * shows it ended, but its parent has not yet collected the exit code (with
 * `join()`, `is_alive()` or `waitpid()`). `exited`: gone for good.
 * Only the OS (a zombie or no process in the listing) or the parent's reaping
 * moves a process to `zombie` or `exited`.
 */
export type ProcessState = 'running' | 'joining' | 'exiting' | 'zombie' | 'exited';

/**
 * `program`: the command the run started. `mp-child`: a multiprocessing
 * `Process`. `python`: another Python process (e.g. `subprocess.Popen`).
 * `helper`: multiprocessing's fork server or resource tracker. `native`: a
 * process that is not Python, found by the OS scan.
 */
export type ProcessKind = 'program' | 'mp-child' | 'python' | 'helper' | 'native';

export interface SignalRequest {
  readonly signal: string;
  /** Pid of the process that asked (its parent, or ProcLens itself as 0). */
  readonly by: number;
  readonly time: number;
}

/** One call of `join()` on a child: the timeline draws it as a blocked stretch with an arrow. */
export interface JoinSpan {
  readonly childPid: number;
  readonly timeout: number | null;
  readonly enteredAt: number;
  /** Unset while still blocked. */
  leftAt?: number;
}

/**
 * One blocking call a thread made that could not return at once, as the
 * tracer reported it (it tries the non-blocking form first): the timeline
 * draws it as a blocked stretch, the row says it while it lasts.
 */
export interface WaitSpan {
  /** The thread (`threading.get_ident()`). */
  readonly tid: number;
  readonly kind: WaitKind;
  /** What the program called: `Queue.get`, `Lock.acquire`, `Pool.map`… */
  readonly call: string;
  /** What it waits on, in words, when the tracer knows (`3 results`, `Queue feeder still writing 1.0 MB`). */
  readonly on: string | null;
  readonly timeout: number | null;
  /** The program's line that made the call. */
  readonly site: SourceSite | null;
  /** For `queue-feeder`: bytes the feeder thread still writes. */
  readonly bytes: number | null;
  readonly enteredAt: number;
  /** Unset while still blocked. */
  leftAt?: number;
}

/** A Python thread of a process, as the tracer named it. */
export interface ThreadRecord {
  /** `threading.get_ident()`: the number faulthandler prints as `Thread 0x…`. */
  readonly tid: number;
  nativeId: number | null;
  name: string;
  daemon: boolean;
  /** The process's main thread (in a forked child: the thread that forked). */
  readonly main: boolean;
  target?: TargetSite;
  startedAt?: number;
  /** When its run ended; unset while alive (and for the main thread, which ends with its process). */
  endedAt?: number;
  /** The call it is blocked in now, if any (also in `ProcessRecord.waits`). */
  waiting?: WaitSpan;
}

/** One frame of a Python stack; `function` is the code's name. */
export interface StackFrame {
  readonly file: string;
  readonly line: number | null;
  readonly function: string;
}

/** One thread's stack at the moment of a dump, innermost frame last (like a traceback). */
export interface ThreadStack {
  readonly tid: number;
  /** The thread's name if the tracer named it; else null (a thread Python did not start). */
  readonly name: string | null;
  /** The thread the signal interrupted. */
  readonly current: boolean;
  readonly frames: readonly StackFrame[];
  /** faulthandler printed `...`: frames beyond its depth limit were left out. */
  readonly truncated: boolean;
}

/**
 * Why a process has no stacks: `not-python` (no tracer in it), `no-signal`
 * (its tracer could not register one: no real-time signals, or the program
 * took it), `not-confirmed` (the OS never confirmed it as part of the run:
 * it is never signalled), `ended`, `no-handler` (the OS shows no handler for
 * the signal now: it exec'd another program; signalling would end it),
 * `no-answer` (nothing written within the time allowed).
 */
export type StacksUnavailable = 'not-python' | 'no-signal' | 'not-confirmed' | 'ended' | 'no-handler' | 'no-answer';

/** A stack dump of one process: its threads' stacks, or why there are none. */
export interface StackDump {
  readonly takenAt: number;
  readonly threads: readonly ThreadStack[];
  /** The process's working folder then: relative file names in frames are relative to it. */
  readonly cwd?: string;
  readonly unavailable?: StacksUnavailable;
}

/**
 * One task a pool worker ran (a call of the user's function, or a chunk of
 * them), or several short ones back to back, merged so that a worker that runs
 * thousands keeps a bounded list: the timeline draws each as a segment.
 */
export interface TaskSpan {
  /** The user's function. */
  readonly function: string;
  /** The first call's arguments, short; null when arguments are off. */
  readonly args: string | null;
  /** Calls of the function: a chunk's length, summed over merged tasks. */
  items: number;
  /** Tasks merged into this span (1 for one task). */
  tasks: number;
  readonly startedAt: number;
  /** Unset while it runs. */
  endedAt?: number;
  /** Calls that raised, and the type of the last exception. */
  failed: number;
  error?: string;
  /** The worker died while running it: its result never came. */
  lost?: boolean;
}

/** What a pool worker has done, as its tracer counted it. */
export interface WorkerTasks {
  /** Calls of the user's function that finished, those that raised included. */
  done: number;
  /** Calls that raised. */
  failed: number;
  /** Exception types the failed calls raised, with how many of each (as far as each task's last one tells). */
  errors: Record<string, number>;
  /** The task it runs now. */
  current?: TaskSpan;
  /** Its tasks, oldest first (the latest ones only: see MAX_TASK_SPANS). */
  spans: TaskSpan[];
}

/** A `multiprocessing.Pool` or `ProcessPoolExecutor`: its workers point to it with `poolId`. */
export interface PoolRecord {
  readonly id: string;
  readonly runId: string;
  readonly kind: PoolKind;
  /** The process that created it (and starts its workers). */
  readonly creatorPid: number;
  readonly creatorKey?: string;
  readonly size: number | null;
  readonly maxTasksPerChild: number | null;
  readonly createdAt: number;
  /** Calls handed to it, as its creator last reported (the latest ones may still be on their way). */
  submitted: number;
}

/** Everything known about one process. Keyed by `key`, since pids are reused. */
export interface ProcessRecord {
  readonly key: string;
  readonly runId: string;
  readonly pid: number;
  /** The key of the record this one is drawn under: the process that started it. */
  parentKey?: string;
  /** The process that started it: for multiprocessing, Python's parent, not the fork server. */
  parentPid?: number;
  /** The operating system's parent now (changes when the process is orphaned). */
  ppid?: number;
  /** The operating system's parent when first seen. */
  originalPpid?: number;
  name: string;
  /** Earlier names, oldest first, when the program renamed the process. */
  formerNames: string[];
  kind: ProcessKind;
  python: boolean;
  daemon: boolean;
  startMethod?: string;
  target?: TargetSite;
  startSite?: SourceSite;
  commandLine?: string[];
  pythonVersion?: string;
  /** Milliseconds since the epoch. */
  startedAt?: number;
  /**
   * A moment by which the process surely existed, as the tracer told it: the time of a
   * message of its own, or when its parent's report that it started it arrived. The OS
   * cannot have started it later (see couldBe). `startedAt` may be earlier than the process:
   * a parent's report is stamped before the fork, which can come seconds later.
   */
  existedBy?: number;
  /**
   * Set while `startedAt` is the OS's start time from a lister that reads it a second or
   * more coarsely (ps): how much earlier than the true start it may be. The tracer's time
   * replaces it as soon as it reports the start.
   */
  startedAtEarlyMs?: number;
  endedAt?: number;
  /** When its parent collected the exit code (join, is_alive, waitpid), as far as the tracer saw. */
  reapedAt?: number;
  /**
   * See ProcessSnapshot.identity. Set once, when the OS first showed this pid
   * inside the run (a descendant of its program, or in its session, started
   * no earlier than it), and never filled in later from whoever owns the pid
   * by then. Unset means "not confirmed as ours": ProcLens never signals it.
   */
  identity?: string;
  /** The start time the OS gave when it confirmed the process (ProcessSnapshot.startTime). */
  osStartTime?: number;
  /** When the model first heard of it (its own clock): an OS listing taken before that says nothing of it. */
  readonly seenAt: number;
  state: ProcessState;
  /** While `joining`: the pid it waits for. */
  joiningPid?: number;
  joinTimeout?: number | null;
  /** Every join() it called, oldest first. */
  joins: JoinSpan[];
  /** Its Python threads the tracer saw, the main thread first; ended ones stay listed. */
  threads: ThreadRecord[];
  /** Threads the OS counts (Python's and native ones), from the last scan. */
  osThreadCount?: number;
  /** Blocking calls its threads made, oldest first (the latest ones only: see MAX_WAITS_KEPT). */
  waits: WaitSpan[];
  /** The signal its tracer registered for stack dumps; unset or null when it cannot dump them. */
  stackSignal?: number | null;
  /** The last stack dump taken of it. */
  stacks?: StackDump;
  /** Undefined while running; null when it ended but the code cannot be known. */
  exitCode?: number | null;
  /** The exit code came from the OS's wait status or the parent's reaping: nothing later replaces it. */
  exitCodeSettled?: boolean;
  /** What its own code returned, as the tracer reported it; final only once the OS or its parent confirms the end. */
  reportedExitCode?: number | null;
  /** When its own code returned (the tracer's time): from then on it is `exiting`. */
  codeReturnedAt?: number;
  /** Set when the exit code is negative: the signal that ended it. */
  signal?: string;
  /** Its parent ended first. */
  orphan: boolean;
  /** Its parent reported it as an os.fork() of itself: its command line is its parent's, whatever it says. */
  forked?: boolean;
  /** Seen by the tracer (not only by the OS scan). */
  traced: boolean;
  signalsRequested: SignalRequest[];
  /** Set for a pool's worker: the PoolRecord's id. */
  poolId?: string;
  /** For a pool worker: the tasks it ran, as its tracer reported them. */
  tasks?: WorkerTasks;
  cpuPercent?: number;
  rssBytes?: number;
}

export type RunState = 'live' | 'finished';

export interface RunRecord {
  readonly id: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly startedAt: number;
  state: RunState;
  topPid?: number;
  topKey?: string;
  /**
   * The session ProcLens started the run in, which its processes share: the
   * program's own pid, or the terminal launcher's when it runs in a terminal.
   * Undefined for an attached run and where there are no sessions.
   */
  sessionLeader?: number;
  endedAt?: number;
  exitCode?: number | null;
  signal?: string;
  /** Set when the program could not be started at all. */
  error?: string;
  /** Followed again after a restart, by the OS scan only: no output, no exit code but what the scan saw. */
  adopted?: boolean;
  /** Adopted at the person's request though ProcLens did not start it (Follow a Running Process): never stopped without asking. */
  attached?: boolean;
  /** How the OS was listed for it: what that lister cannot see is said in the run's hover and the CLI's JSON. */
  lister?: RunLister;
}

/** The lister that scanned a run, and what it can see. */
export interface RunLister {
  readonly description: string;
  readonly capabilities: ListerCapabilities;
}

/** The process still runs (an `exiting` one too: it can still be signalled and still hold resources). */
export const isAlive = (record: Pick<ProcessRecord, 'state'>): boolean =>
  record.state === 'running' || record.state === 'joining' || record.state === 'exiting';

/** The OS confirmed the process as part of its run: only such a process is ever signalled. */
export const isConfirmed = (record: Pick<ProcessRecord, 'identity'>): boolean => record.identity !== undefined;

/** Alive and confirmed: the only processes a signal may be sent to. */
export const isSignallable = (record: Pick<ProcessRecord, 'state' | 'identity'>): boolean => isAlive(record) && isConfirmed(record);
