import { EventEmitter } from 'node:events';
import { EventServer, EventTransport } from '../events/eventServer';
import { LaunchedProgram, LaunchError } from '../launch/launchedProgram';
import { PipedProgram } from '../launch/pipedProgram';
import { TerminalProgram } from '../launch/terminalProgram';
import { tracerEnvironment } from '../launch/tracerEnvironment';
import { osFamily } from '../model/exitCodes';
import { ProcessModel } from '../model/processModel';
import { isAlive, ProcessRecord, RunLister, RunRecord } from '../model/processRecord';
import { TracerEvent } from '../protocol/tracerEvents';
import { chooseLister } from '../scan/chooseLister';
import { ProcessLister } from '../scan/processSnapshot';

export interface TrackerOptions {
  /** The folder holding the Python tracer (sitecustomize.py). */
  readonly tracerDirectory: string;
  /** The terminal launcher script (launcher/run_in_terminal.py), for runs asked for in a terminal. */
  readonly terminalLauncher?: string;
  /**
   * The OS the programs run on; the composition root passes process.platform (the default).
   * It decides the default lister and transport, and what the model may conclude from what
   * it sees: Windows has no signals and no zombies.
   */
  readonly platform?: NodeJS.Platform;
  readonly lister?: ProcessLister;
  /**
   * How the tracers connect: a Unix socket, or loopback TCP with the token. By default TCP
   * on Windows only, where Python has no AF_UNIX; a test forces it elsewhere.
   */
  readonly transport?: EventTransport;
  /** How often the OS is scanned while a run is live. */
  readonly scanIntervalMs?: number;
  readonly batchMs?: number;
  /** How many exited records the model keeps in all (see ProcessModel). */
  readonly exitedLimit?: number;
}

export interface RunOptions {
  /** The executable and its arguments (no shell). */
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdio?: 'inherit' | 'pipe';
  /**
   * Run it in a pseudo-terminal of its own (Unix), started by this Python;
   * its output and exit come as the program's events, keys go in by write().
   */
  readonly terminal?: { readonly python: string; readonly rows: number; readonly columns: number };
  /** Pool workers report a short text of each task's arguments (default true). */
  readonly taskArguments?: boolean;
}

export interface TrackerEvents {
  /** Detail for the log: never contains the token. */
  log: [level: 'info' | 'warn' | 'error', message: string];
}

/**
 * One run and a promise that settles when all of it has ended. A run this
 * tracker started has its program (I/O, exit code) and tracer connection; an
 * adopted run (found again after a restart) is followed by the OS scan only.
 */
export class TrackedRun {
  constructor(
    readonly record: RunRecord,
    readonly finished: Promise<RunRecord>,
    readonly program?: LaunchedProgram,
    readonly events?: EventServer,
  ) {}

  get id(): string {
    return this.record.id;
  }
}

/** A run this tracker started itself. */
export type LaunchedRun = TrackedRun & { readonly program: LaunchedProgram; readonly events: EventServer };

/** What is needed to find a run's program again, e.g. after the editor restarted. */
export interface AdoptOptions {
  readonly pid: number;
  /** The identity recorded when it was started: a pid that now names another process is not adopted. */
  readonly identity?: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly startedAt?: number;
  /** A process ProcLens did not start: follow its descendants only, not the rest of its session. */
  readonly attached?: boolean;
  /** The session it was started in (see RunRecord.sessionLeader), when ProcLens started it. */
  readonly sessionLeader?: number;
}

/** How soon a process whose code has finished is looked for in the OS. */
const SOON_MS = 50;

interface LiveRun {
  readonly run: TrackedRun;
  readonly resolve: (record: RunRecord) => void;
}

/**
 * Starts programs under the tracer and keeps the model up to date: tracer
 * events as they come, and an OS scan at an interval while any run is live.
 */
export class ProcessTracker extends EventEmitter<TrackerEvents> {
  readonly model: ProcessModel;
  readonly lister: ProcessLister;
  readonly platform: NodeJS.Platform;
  scanIntervalMs: number;
  private readonly live = new Map<string, LiveRun>();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanDueAt = 0;
  private scanInFlight: Promise<void> | undefined;
  /** Scans in a row that changed nothing: the interval doubles with them, up to 4×. */
  private quietScans = 0;
  private rescanRequested = false;
  private runCounter = 0;

  constructor(private readonly options: TrackerOptions) {
    super();
    this.platform = options.platform ?? process.platform;
    this.lister = options.lister ?? chooseLister(undefined, this.platform);
    this.scanIntervalMs = options.scanIntervalMs ?? 500;
    this.model = new ProcessModel({
      batchMs: options.batchMs,
      exitedLimit: options.exitedLimit,
      os: osFamily(this.platform),
      snapshot: (pid) => this.lister.snapshot(pid),
      commandLine: (pid) => this.lister.commandLine(pid),
    });
    this.model.on('refuted', (runId, pid, name) =>
      this.emit('log', 'warn', `${runId}: the tracer named PID ${pid} (${name}), which the OS shows outside the run: ignored`),
    );
  }

  /** Starts a program under tracking. Rejects with a LaunchError when it cannot start. */
  async start(options: RunOptions): Promise<LaunchedRun> {
    const id = this.newRunId();
    const cwd = options.cwd ?? process.cwd();
    const record: RunRecord = { id, command: [...options.command], cwd, startedAt: Date.now(), state: 'live', lister: this.runLister() };
    const windows = this.platform === 'win32';
    const events = new EventServer(undefined, { transport: this.options.transport ?? (windows ? 'tcp' : 'unix'), stacks: !windows });
    await events.listen();
    // Until the program's record exists (the OS is read for it first, which takes a while with
    // ps), its processes' news waits: its hello would otherwise make a second record of it.
    let early: TracerEvent[] | undefined = [];
    const apply = (event: TracerEvent) => {
      this.model.applyTracerEvent(id, event);
      this.wakeUp();
      if (event.kind === 'exit') {
        // The child's code is done; only the OS can say when the process has ended: look soon.
        this.scanSoon();
      }
    };
    events.on('event', (event) => (early ? early.push(event) : apply(event)));
    events.on('dropped', (reason) => this.emit('log', 'warn', `${id}: dropped a tracer line (${reason})`));
    this.model.addRun(record);
    let program: LaunchedProgram;
    try {
      const env = tracerEnvironment(options.env ?? process.env, {
        directory: this.options.tracerDirectory,
        address: events.address,
        token: events.token,
        stacksFolder: events.stacksFolder,
        taskArguments: options.taskArguments,
      });
      const { terminal } = options;
      if (terminal && this.options.terminalLauncher) {
        program = await TerminalProgram.start({ command: options.command, cwd, env, launcher: this.options.terminalLauncher, ...terminal });
      } else {
        program = await PipedProgram.start({ command: options.command, cwd, env, stdio: options.stdio ?? 'pipe' });
      }
    } catch (error) {
      await events.close();
      const message = error instanceof LaunchError ? error.message : String(error);
      this.model.runFailed(id, message);
      this.emit('log', 'error', `${id}: ${message}`);
      throw error;
    }
    // Read at once: until it is told it was identified, nothing reaps the program, so the pid is surely its.
    this.model.programStarted(id, program.pid, options.command, await this.lister.snapshot(program.pid), program.sessionLeader);
    const waiting = early;
    early = undefined;
    waiting.forEach(apply);
    program.identified();
    this.emit('log', 'info', `${id}: started PID ${program.pid}: ${options.command.join(' ')}`);
    const run = this.follow(record, program, events) as LaunchedRun;
    const onExit = (code: number | null) => {
      this.model.programExited(id, code);
      this.emit('log', 'info', `${id}: PID ${program.pid} exited with ${code}`);
      // scan() settles the run only when no tracer connection is open and the OS shows none of it.
      this.scanSettling(id);
    };
    // A program started with pipes is reaped by Node as soon as it exits, which can be while the
    // OS is still being read for it above (a ps listing takes a while): its exit is not missed.
    if (program.exited !== undefined) {
      onExit(program.exited);
    } else {
      program.on('exit', onExit);
    }
    // Each connection closes after its process's last line: when the last one closes after the
    // program's exit, nothing is left to wait for but what the OS shows.
    events.on('idle', () => {
      if (program.exited !== undefined) {
        this.scanSettling(id);
      }
    });
    this.scheduleScan(0);
    return run;
  }

  /**
   * Follows a process this tracker did not start (its program survived an
   * editor restart): its tree comes from the OS scan alone. Undefined when the
   * pid is gone or now names another process.
   */
  async adopt(options: AdoptOptions): Promise<TrackedRun | undefined> {
    const snapshot = await this.lister.snapshot(options.pid);
    if (snapshot === undefined || (options.identity !== undefined && snapshot.identity !== options.identity)) {
      return undefined;
    }
    const id = this.newRunId();
    const record: RunRecord = {
      id,
      command: [...options.command],
      cwd: options.cwd,
      startedAt: options.startedAt ?? Date.now(),
      state: 'live',
      adopted: true,
      attached: options.attached,
      lister: this.runLister(),
    };
    this.model.addRun(record);
    // Its session still counts only if the program is still in it (it may have left by setsid()).
    const leader = options.sessionLeader !== undefined && snapshot.sessionId === options.sessionLeader ? options.sessionLeader : undefined;
    this.model.programStarted(id, options.pid, options.command, snapshot, options.attached ? undefined : leader);
    const how = options.attached ? 'following (not started by ProcLens)' : 'following again';
    this.emit('log', 'info', `${id}: ${how} PID ${options.pid}: ${options.command.join(' ')}`);
    const run = this.follow(record);
    this.scheduleScan(0);
    return run;
  }

  /** Scans the OS once now (waits for a scan already running instead of starting another). */
  scanNow(): Promise<void> {
    if (this.scanInFlight) {
      // What the caller wants to see may have happened after that scan read the OS.
      this.rescanRequested = true;
      return this.scanInFlight;
    }
    this.scanInFlight = this.scan().finally(() => {
      this.scanInFlight = undefined;
      if (this.live.size) {
        this.scheduleScan(this.rescanRequested ? 0 : this.currentInterval());
      }
      this.rescanRequested = false;
    });
    return this.scanInFlight;
  }

  liveRuns(): TrackedRun[] {
    return [...this.live.values()].map((l) => l.run);
  }

  find(runId: string): TrackedRun | undefined {
    return this.live.get(runId)?.run;
  }

  /**
   * Takes the Python stacks of every live process of a live run (or of the
   * one process `pid`), keeps them on their records (`stacks`) and returns
   * those records. A process that cannot be asked safely gets the reason.
   */
  async takeStacks(runId: string, pid?: number): Promise<ProcessRecord[]> {
    const records = this.model.processesOf(runId).filter((r) => isAlive(r) && (pid === undefined || r.pid === pid));
    const folder = this.live.get(runId)?.run.events?.stacksFolder;
    if (!records.length) {
      return [];
    }
    if (!folder) {
      // An adopted run (no tracer connection) or Windows: nobody registered a signal.
      this.model.stacksTaken(new Map(records.map((r) => [r.key, { takenAt: Date.now(), threads: [], unavailable: r.python ? 'no-signal' : 'not-python' }])));
      return records;
    }
    // Loaded when first asked for: they read with node:fs/promises, about 1 ms to load at start-up.
    const { takeStacks } = require('../stacks/stackRequest') as typeof import('../stacks/stackRequest');
    const { handlesSignal, workingFolder } = require('../scan/procStatus') as typeof import('../scan/procStatus');
    // Only Linux shows which signals a process handles; elsewhere nothing is asked (never act on a guess).
    const linux = this.platform === 'linux';
    const dumps = await takeStacks(records, {
      folder,
      identify: (p) => this.lister.identify(p),
      handlesSignal: linux ? handlesSignal : async () => false,
      workingFolder: linux ? workingFolder : undefined,
    });
    this.model.stacksTaken(dumps);
    this.model.flushNow(true);
    return records;
  }

  /** Stops scanning and closes every tracer connection. Does not signal anything: see ProcessControl.stopRun. */
  async dispose(): Promise<void> {
    clearTimeout(this.scanTimer);
    await Promise.all([...this.live.values()].map((l) => l.run.events?.close()));
    this.live.clear();
    this.model.dispose();
  }

  /**
   * Scans for a run that may have ended, as soon as the event loop has handled what the OS had
   * already reported (a connection to accept, the lines on it): in this turn's check phase, not
   * a timer's 1 ms later. A run settled or dropped meanwhile needs no scan.
   */
  private scanSettling(id: string): void {
    setImmediate(() => {
      if (this.live.has(id)) {
        void this.scanNow();
      }
    });
  }

  private runLister(): RunLister {
    return { description: this.lister.description, capabilities: this.lister.capabilities };
  }

  private newRunId(): string {
    return `run-${++this.runCounter}-${Date.now().toString(36)}`;
  }

  private follow(record: RunRecord, program?: LaunchedProgram, events?: EventServer): TrackedRun {
    let resolve!: (record: RunRecord) => void;
    const finished = new Promise<RunRecord>((r) => (resolve = r));
    const run = new TrackedRun(record, finished, program, events);
    this.live.set(record.id, { run, resolve });
    return run;
  }

  /**
   * While nothing changes (a program sleeping, a server waiting), scanning
   * slows down, to a quarter of the rate at most; any change or tracer event
   * brings it back at once.
   */
  private currentInterval(): number {
    return this.scanIntervalMs * 2 ** Math.min(this.quietScans, 2);
  }

  private wakeUp(): void {
    if (this.quietScans > 0) {
      this.quietScans = 0;
      if (!this.scanInFlight) {
        this.scheduleScan(this.scanIntervalMs);
      }
    }
  }

  private scanSoon(): void {
    if (!this.scanInFlight) {
      this.scheduleScan(Math.min(SOON_MS, this.currentInterval()));
    } else {
      this.rescanRequested = true;
    }
  }

  /** Moves the next scan earlier, never later: a stream of requests cannot keep postponing it. */
  private scheduleScan(delayMs: number): void {
    const dueAt = Date.now() + delayMs;
    if (this.scanTimer !== undefined && this.scanDueAt <= dueAt) {
      return;
    }
    clearTimeout(this.scanTimer);
    this.scanDueAt = dueAt;
    this.scanTimer = setTimeout(() => {
      this.scanTimer = undefined;
      void this.scanNow();
    }, delayMs);
  }

  private async scan(): Promise<void> {
    const before = this.model.version;
    try {
      // What applyScan checks against the OS: every process of a live run not yet over, and the
      // run's program, whose session its processes share. The lister may leave out the rest.
      const followed = new Set<number>();
      for (const run of this.model.runs().filter((r) => r.state === 'live')) {
        if (run.topPid !== undefined) {
          followed.add(run.topPid);
        }
        if (run.sessionLeader !== undefined) {
          followed.add(run.sessionLeader);
        }
        for (const record of this.model.processesOf(run.id)) {
          if (record.state !== 'exited') {
            followed.add(record.pid);
          }
        }
      }
      const takenAt = Date.now();
      this.model.applyScan(await this.lister.list(followed), takenAt);
      this.quietScans = this.model.version === before ? this.quietScans + 1 : 0;
    } catch (error) {
      // Without a scan the tracer's news still counts: a run can end on what it reported.
      this.emit('log', 'error', `process scan failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const [id, { run, resolve }] of this.live) {
      // A process's last lines can still be unread when its exit is noticed (a busy machine
      // runs this scan before the sockets are read): its connection closes only after them.
      if ((run.events?.connectionCount ?? 0) === 0 && this.model.settleRun(id)) {
        this.live.delete(id);
        await run.events?.close();
        this.model.flushNow();
        resolve(run.record);
      }
    }
  }
}
