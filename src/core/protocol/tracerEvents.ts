/**
 * What the Python tracer (tracer/_proclens_tracer.py) sends, one JSON object a
 * line. Every event carries `e` (its kind), `pid` (the sending process) and
 * `t` (seconds since the epoch, as Python's time.time()).
 */

/** A code location reported by the tracer. */
export interface SourceSite {
  readonly file: string | null;
  readonly line: number | null;
}

/** A `Process` target function, or a `Process` subclass (then `line` is its `run`). */
export interface TargetSite extends SourceSite {
  readonly name: string;
}

interface EventBase {
  readonly pid: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** First line after the token: the process that opened the connection. */
export interface HelloEvent extends EventBase {
  readonly kind: 'hello';
  readonly ppid: number;
  readonly executable: string;
  readonly argv: readonly string[];
  readonly pythonVersion: string;
  /** The thread that said hello: the main thread, or in a forked child the thread that forked. */
  readonly thread?: ThreadIdentity | null;
  /** The real-time signal that makes this process dump its stacks (see StacksEvent); null when unavailable. */
  readonly stackSignal?: number | null;
}

/** A thread as Python knows it: `tid` is `threading.get_ident()`, the number faulthandler prints. */
export interface ThreadIdentity {
  readonly tid: number;
  /** The OS's thread id (`threading.get_native_id()`, 3.8+). */
  readonly nativeId: number | null;
  readonly name: string;
}

/** The parent started a `Process`; `child` is its pid. */
export interface StartEvent extends EventBase {
  readonly kind: 'start';
  readonly child: number;
  readonly name: string;
  readonly daemon: boolean;
  readonly method: string | null;
  readonly target: TargetSite | null;
  readonly site: SourceSite | null;
  /** Set when a pool started it as one of its workers: the PoolEvent's id. */
  readonly pool?: string | null;
}

/** A `Process` began running in the child (`BaseProcess._bootstrap`). */
export interface BootEvent extends EventBase {
  readonly kind: 'boot';
  readonly ppid: number;
  readonly name: string;
  readonly daemon: boolean;
}

/** The child's own code finished with this exit code (it is now exiting). */
export interface ExitEvent extends EventBase {
  readonly kind: 'exit';
  readonly code: number | null;
}

/** `Process.name` was assigned after start, in the parent or in the child itself. */
export interface RenameEvent extends EventBase {
  readonly kind: 'rename';
  readonly child: number;
  readonly name: string;
}

/** The sender entered or left `join()` on `child`. */
export interface JoinEvent extends EventBase {
  readonly kind: 'join';
  readonly child: number;
  readonly phase: 'enter' | 'leave';
  readonly timeout: number | null;
  readonly code: number | null;
}

/** The sender asked for `child` to end (`terminate()`, `kill()`, or daemon clean-up at exit). */
export interface SignalEvent extends EventBase {
  readonly kind: 'signal';
  readonly child: number;
  readonly signal: string;
}

/**
 * The sender called `os.fork()` itself (not through multiprocessing): `child`
 * runs the same program, from the same point.
 */
export interface ForkEvent extends EventBase {
  readonly kind: 'fork';
  readonly child: number;
}

/** The sender started `child` with `subprocess.Popen` (also under `subprocess.run`). */
export interface PopenEvent extends EventBase {
  readonly kind: 'popen';
  readonly child: number;
  readonly argv: readonly string[];
}

/**
 * The sender collected `child`'s exit status (`join()`, `is_alive()`,
 * `os.wait*()`, `Popen.wait()/poll()`): the child is no longer a zombie.
 * Usually its parent; for a forkserver child, the fork server (the OS's
 * parent), while Python's parent has not collected it yet.
 */
export interface ReapedEvent extends EventBase {
  readonly kind: 'reaped';
  readonly child: number;
  readonly code: number | null;
}

/** A `threading.Thread` began running. */
export interface ThreadEvent extends EventBase, ThreadIdentity {
  readonly kind: 'thread';
  readonly daemon: boolean;
  readonly target: TargetSite | null;
}

/** A `threading.Thread`'s run ended. */
export interface ThreadEndEvent extends EventBase {
  readonly kind: 'thread-end';
  readonly tid: number;
  readonly name: string | null;
}

/** What a blocking call waits for; see WaitEvent. */
export const WAIT_KINDS = [
  'queue-get',
  'queue-put',
  'queue-join',
  'queue-feeder',
  'lock',
  'semaphore',
  'event',
  'condition',
  'barrier',
  'recv',
  'pool',
  'thread-join',
] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/**
 * Thread `tid` entered a call of multiprocessing or threading that could not
 * return at once (the tracer tried the non-blocking form first): it is blocked
 * until the matching WokeEvent.
 */
export interface WaitEvent extends EventBase {
  readonly kind: 'wait';
  readonly tid: number;
  readonly wait: WaitKind;
  /** What the program called, e.g. `Queue.get`, `Pool.map`. */
  readonly call: string;
  /** What it waits on, in words (`3 results`, `Queue feeder still writing 1.0 MB`), when the tracer knows. */
  readonly on: string | null;
  readonly timeout: number | null;
  /** The program's line that made the call. */
  readonly site: SourceSite | null;
  /** For `queue-feeder`: the bytes the feeder thread is still writing. */
  readonly bytes: number | null;
}

/** The blocking call of thread `tid` returned (or raised). */
export interface WokeEvent extends EventBase {
  readonly kind: 'woke';
  readonly tid: number;
}

/** The stack-dump signal changed after hello: null when the program took that signal for itself. */
export interface StacksEvent extends EventBase {
  readonly kind: 'stacks';
  readonly stackSignal: number | null;
}

export type PoolKind = 'Pool' | 'ProcessPoolExecutor';

/**
 * The sender created a process pool (`multiprocessing.Pool` or
 * `concurrent.futures.ProcessPoolExecutor`); sent just before the StartEvent
 * of its first worker, whose `pool` field names it.
 */
export interface PoolEvent extends EventBase {
  readonly kind: 'pool';
  /** Unique in the run: the creator's pid and its count of pools. */
  readonly pool: string;
  readonly poolKind: PoolKind;
  /** How many worker processes it keeps. */
  readonly size: number | null;
  /** `maxtasksperchild` / `max_tasks_per_child`: a worker is replaced after that many tasks. */
  readonly maxTasks: number | null;
}

/** The sender handed `items` more calls of a function to `pool` (map counts each element). */
export interface SubmitEvent extends EventBase {
  readonly kind: 'submit';
  readonly pool: string;
  readonly items: number;
}

/** Counts a pool worker keeps of the user's function calls it ran: `done` includes those that raised. */
interface TaskCounts {
  readonly done: number;
  readonly failed: number;
  /** The exception type the last ended task raised, or null. */
  readonly error: string | null;
}

/**
 * A pool worker (the sender) began a task at `time`: one call of `fn`, or a
 * chunk of `items` calls. Its counts include its previous task, which ended
 * at `ended` (null when an IdleEvent already said so, or for its first task).
 */
export interface TaskEvent extends EventBase, TaskCounts {
  readonly kind: 'task';
  readonly function: string;
  /** The first call's arguments, short (`5`, `1, 'a'`); null when the person turned arguments off. */
  readonly args: string | null;
  readonly items: number;
  readonly ended: number | null;
}

/** A pool worker's task ended at `time` and it is about to wait for the next one, or to exit. */
export interface IdleEvent extends EventBase, TaskCounts {
  readonly kind: 'idle';
}

export type TracerEvent =
  | HelloEvent
  | StartEvent
  | BootEvent
  | ExitEvent
  | RenameEvent
  | JoinEvent
  | SignalEvent
  | ForkEvent
  | PopenEvent
  | ReapedEvent
  | ThreadEvent
  | ThreadEndEvent
  | WaitEvent
  | WokeEvent
  | StacksEvent
  | PoolEvent
  | SubmitEvent
  | TaskEvent
  | IdleEvent;

export type DecodeResult = { ok: true; event: TracerEvent } | { ok: false; reason: string };

type Json = Record<string, unknown>;

const isPid = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;
const isInt = (value: unknown): value is number => Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const intOrNull = (value: unknown): number | null => (isInt(value) ? value : null);
const isTid = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const signalOrNull = (value: unknown): number | null => (isInt(value) && value > 0 && value < 128 ? value : null);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const countOrNull = (value: unknown): number | null => (isCount(value) ? value : null);
const isWaitKind = (value: unknown): value is WaitKind => (WAIT_KINDS as readonly unknown[]).includes(value);

function site(value: unknown): SourceSite | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { file, line } = value as Json;
  return { file: isString(file) ? file : null, line: isInt(line) ? line : null };
}

function target(value: unknown): TargetSite | null {
  const where = site(value);
  const name = (value as Json | null)?.name;
  return where && isString(name) ? { ...where, name } : null;
}

function decodeFields(kind: string, m: Json, base: EventBase): TracerEvent | string {
  switch (kind) {
    case 'hello':
      if (!isInt(m.ppid)) return 'hello without ppid';
      return {
        kind,
        ...base,
        ppid: m.ppid,
        executable: isString(m.exe) ? m.exe : '',
        argv: Array.isArray(m.argv) ? m.argv.filter(isString) : [],
        pythonVersion: isString(m.py) ? m.py : '',
        thread: isTid(m.tid) ? { tid: m.tid, nativeId: intOrNull(m.native), name: isString(m.thread) ? m.thread : 'MainThread' } : null,
        stackSignal: signalOrNull(m.stk),
      };
    case 'start':
      if (!isPid(m.child) || !isString(m.name)) return 'start without child or name';
      return {
        kind,
        ...base,
        child: m.child,
        name: m.name,
        daemon: m.daemon === true,
        method: isString(m.method) ? m.method : null,
        target: target(m.target),
        site: site(m.site),
        ...(isString(m.pool) ? { pool: m.pool } : {}),
      };
    case 'boot':
      if (!isInt(m.ppid) || !isString(m.name)) return 'boot without ppid or name';
      return { kind, ...base, ppid: m.ppid, name: m.name, daemon: m.daemon === true };
    case 'exit':
      return { kind, ...base, code: intOrNull(m.code) };
    case 'rename':
      if (!isPid(m.child) || !isString(m.name)) return 'rename without child or name';
      return { kind, ...base, child: m.child, name: m.name };
    case 'join':
      if (!isPid(m.child) || (m.phase !== 'enter' && m.phase !== 'leave')) return 'join without child or phase';
      return {
        kind,
        ...base,
        child: m.child,
        phase: m.phase,
        timeout: typeof m.timeout === 'number' ? m.timeout : null,
        code: intOrNull(m.code),
      };
    case 'signal':
      if (!isPid(m.child) || !isString(m.sig)) return 'signal without child or sig';
      return { kind, ...base, child: m.child, signal: m.sig };
    case 'fork':
      if (!isPid(m.child)) return 'fork without child';
      return { kind, ...base, child: m.child };
    case 'popen':
      if (!isPid(m.child)) return 'popen without child';
      return { kind, ...base, child: m.child, argv: Array.isArray(m.argv) ? m.argv.filter(isString) : [] };
    case 'reaped':
      if (!isPid(m.child)) return 'reaped without child';
      return { kind, ...base, child: m.child, code: intOrNull(m.code) };
    case 'thread':
      if (!isTid(m.tid) || !isString(m.name)) return 'thread without tid or name';
      return { kind, ...base, tid: m.tid, nativeId: intOrNull(m.native), name: m.name, daemon: m.daemon === true, target: target(m.target) };
    case 'thread-end':
      if (!isTid(m.tid)) return 'thread-end without tid';
      return { kind, ...base, tid: m.tid, name: isString(m.name) ? m.name : null };
    case 'wait':
      if (!isTid(m.tid) || !isWaitKind(m.kind) || !isString(m.call)) return 'wait without tid, a known kind or call';
      return {
        kind,
        ...base,
        tid: m.tid,
        wait: m.kind,
        call: m.call,
        on: isString(m.on) ? m.on : null,
        timeout: typeof m.timeout === 'number' ? m.timeout : null,
        site: site(m.site),
        bytes: isInt(m.bytes) && m.bytes >= 0 ? m.bytes : null,
      };
    case 'woke':
      if (!isTid(m.tid)) return 'woke without tid';
      return { kind, ...base, tid: m.tid };
    case 'stacks':
      return { kind, ...base, stackSignal: signalOrNull(m.stk) };
    case 'pool':
      if (!isString(m.pool) || (m.kind !== 'Pool' && m.kind !== 'ProcessPoolExecutor')) return 'pool without id or a known kind';
      return { kind, ...base, pool: m.pool, poolKind: m.kind, size: countOrNull(m.size), maxTasks: countOrNull(m.maxtasks) };
    case 'submit':
      if (!isString(m.pool) || !isCount(m.items)) return 'submit without pool or items';
      return { kind, ...base, pool: m.pool, items: m.items };
    case 'task':
      if (!isString(m.fn) || !isCount(m.items) || !isCount(m.done) || !isCount(m.failed)) return 'task without fn or counts';
      return {
        kind,
        ...base,
        function: m.fn,
        args: isString(m.args) ? m.args : null,
        items: m.items,
        done: m.done,
        failed: m.failed,
        error: isString(m.error) ? m.error : null,
        ended: typeof m.ended === 'number' && Number.isFinite(m.ended) ? Math.round(m.ended * 1000) : null,
      };
    case 'idle':
      if (!isCount(m.done) || !isCount(m.failed)) return 'idle without counts';
      return { kind, ...base, done: m.done, failed: m.failed, error: isString(m.error) ? m.error : null };
    default:
      return `unknown event "${kind}"`;
  }
}

/** Decodes one line from the tracer. Never throws: a bad line is a reason, not an exception. */
export function decodeTracerLine(line: string): DecodeResult {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const m = message as Json;
  if (!isString(m.e) || !isPid(m.pid) || typeof m.t !== 'number' || !Number.isFinite(m.t)) {
    return { ok: false, reason: 'missing e, pid or t' };
  }
  const decoded = decodeFields(m.e, m, { pid: m.pid, time: Math.round(m.t * 1000) });
  return typeof decoded === 'string' ? { ok: false, reason: decoded } : { ok: true, event: decoded };
}
