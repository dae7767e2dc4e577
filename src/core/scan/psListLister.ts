import { ListerCapabilities, ProcessLister, ProcessSnapshot } from './processSnapshot';

/** The fields of a ps-list entry read here. On Windows ps-list fills only pid, ppid and name. */
export interface PsListEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  /** The arguments joined with spaces, as `ps` prints them. */
  readonly cmd?: string;
  readonly cpu?: number;
  readonly startTime?: Date;
}

interface Listing {
  readonly snapshots: readonly ProcessSnapshot[];
  readonly byPid: ReadonlyMap<number, { readonly snapshot: ProcessSnapshot; readonly cmd?: string }>;
}

/** Where ps-list runs: `ps` (macOS, or Linux when asked for), or its Windows helper. */
export type PsListSystem = 'ps' | 'windows';

/**
 * `ps` marks a zombie `<defunct>` in its arguments column: procps (Linux) as
 * `[comm] <defunct>`, BSD and macOS as `<defunct>` alone. It prints no wait
 * status, so a zombie's exit code is not known from here.
 */
const DEFUNCT = /^(\[.*\] )?<defunct>$/s;

/**
 * The portable lister (macOS, Windows): `ps-list`, which runs `ps` or a
 * helper binary. It reads no sessions and no zombie's exit status, start
 * times only to the second (none on Windows) and command lines joined with
 * spaces (none on Windows): `capabilities` says so, and the tree with it.
 *
 * Unlike /proc it cannot ask about one pid, and a listing is a full `ps` run
 * (two on macOS): Stop Run asks about hundreds of pids at once. So every call
 * made before a listing begins shares it, one listing runs at a time, and a
 * call made once a listing has begun waits for the next: no answer ever comes
 * from a listing read before the question was asked. (A scan that took an
 * older listing for "now" would call gone every process the tracer had named
 * meanwhile; an older identity could let a signal reach a reused pid.)
 */
export class PsListLister implements ProcessLister {
  readonly description = 'ps-list';
  readonly capabilities: ListerCapabilities;
  /** The listing calls join until it begins; then the next call queues another. */
  private next: { listing: Promise<Listing>; begun: boolean } | undefined;
  /** Settles when the last listing queued has ended, however it ended. */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly listAll: () => Promise<readonly PsListEntry[]> = psListDefault,
    private readonly system: PsListSystem = 'ps',
  ) {
    // ps prints `lstart` in whole seconds; procps adds the start ticks to a boot time that is
    // itself in whole seconds, so a start time may read up to 2 s early.
    this.capabilities =
      system === 'windows'
        ? { zombies: 'none', sessions: false, startTimeEarlyMs: undefined, commandLines: 'none' }
        : { zombies: 'no-exit-status', sessions: false, startTimeEarlyMs: 2000, commandLines: 'joined' };
  }

  async list(): Promise<ProcessSnapshot[]> {
    return [...(await this.listing()).snapshots];
  }

  /** One process as the OS shows it now, or undefined when there is none. */
  async snapshot(pid: number): Promise<ProcessSnapshot | undefined> {
    return (await this.listing()).byPid.get(pid)?.snapshot;
  }

  async identify(pid: number): Promise<string | undefined> {
    return (await this.snapshot(pid))?.identity;
  }

  async commandLine(pid: number): Promise<string[] | undefined> {
    const entry = (await this.listing()).byPid.get(pid);
    // ps joins the arguments with spaces; they cannot be split back exactly. A zombie has none.
    return entry?.cmd && !entry.snapshot.zombie ? [entry.cmd] : undefined;
  }

  private listing(): Promise<Listing> {
    if (this.next && !this.next.begun) {
      return this.next.listing;
    }
    const next = { begun: false } as { listing: Promise<Listing>; begun: boolean };
    // Begins once the one before has ended, and not before the code running now (Stop Run
    // asking about every pid in one go) has made all its calls.
    next.listing = this.previous
      .then(() => {
        next.begun = true;
        return this.listAll();
      })
      .then((entries) => indexed(entries, this.system));
    // A failure is for the callers waiting on it; the next call lists again.
    this.previous = next.listing.catch(() => undefined);
    this.next = next;
    return next.listing;
  }
}

function indexed(entries: readonly PsListEntry[], system: PsListSystem): Listing {
  const snapshots = entries.map((entry) => toSnapshot(entry, system));
  const byPid = new Map(entries.map((entry, i) => [entry.pid, { snapshot: snapshots[i], cmd: entry.cmd }]));
  return { snapshots, byPid };
}

/**
 * The identity is the start time alone where there is one: the name changes
 * when the process execs another program, and on Linux when it becomes a
 * zombie (ps-list names a process from /proc/PID/exe, which a zombie no
 * longer has, then from `comm`). A pid is reused within the same second only
 * after the whole pid space has been used up in it. Windows gives no start
 * time and reuses pids soon: there the identity is the name and the pid of
 * the creator, which Windows keeps for the whole life of a process (a later
 * process with the same pid, name and creator is not told apart: the run's
 * hover says so).
 */
function toSnapshot(p: PsListEntry, system: PsListSystem): ProcessSnapshot {
  const startTime = p.startTime?.getTime();
  const known = startTime !== undefined && !Number.isNaN(startTime);
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    zombie: p.cmd !== undefined && DEFUNCT.test(p.cmd),
    identity: known ? String(startTime) : system === 'windows' ? `?:${p.ppid}:${p.name}` : `?:${p.name}`,
    startTime: known ? startTime : undefined,
    cpuPercent: p.cpu,
  };
}

async function psListDefault(): Promise<readonly PsListEntry[]> {
  // ps-list is ESM-only; a dynamic import keeps this module loadable from CommonJS.
  const { default: psList } = await import('ps-list');
  return psList();
}
