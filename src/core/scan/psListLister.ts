import { ProcessLister, ProcessSnapshot } from './processSnapshot';

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

/**
 * How long one listing answers every question. Each listing is a full `ps`
 * run (two on macOS), and Stop Run asks about hundreds of pids at once.
 */
const REUSE_MS = 250;

interface Listing {
  readonly snapshots: readonly ProcessSnapshot[];
  readonly byPid: ReadonlyMap<number, { readonly snapshot: ProcessSnapshot; readonly cmd?: string }>;
}

/**
 * The portable lister (macOS, Windows): `ps-list`, which runs `ps` or a
 * helper binary. It cannot see zombies or sessions, so those features are
 * Linux-only. Unlike /proc it cannot ask about one pid, so one listing,
 * shared while it runs and for REUSE_MS after it started, answers all.
 */
export class PsListLister implements ProcessLister {
  readonly description = 'ps-list';
  readonly seesZombies = false;
  private latest: { readonly startedAt: number; readonly listing: Promise<Listing>; running: boolean } | undefined;

  constructor(
    private readonly listAll: () => Promise<readonly PsListEntry[]> = psListDefault,
    private readonly now: () => number = Date.now,
    private readonly reuseMs = REUSE_MS,
  ) {}

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
    const cmd = (await this.listing()).byPid.get(pid)?.cmd;
    // ps joins the arguments with spaces; they cannot be split back exactly.
    return cmd ? [cmd] : undefined;
  }

  private listing(): Promise<Listing> {
    const now = this.now();
    const latest = this.latest;
    if (latest && (latest.running || now - latest.startedAt < this.reuseMs)) {
      return latest.listing;
    }
    const next = { startedAt: now, listing: this.listAll().then(indexed), running: true };
    next.listing.then(
      () => {
        next.running = false;
      },
      () => {
        // A failure is for the callers already waiting; the next one lists again.
        if (this.latest === next) {
          this.latest = undefined;
        }
      },
    );
    this.latest = next;
    return next.listing;
  }
}

function indexed(entries: readonly PsListEntry[]): Listing {
  const snapshots = entries.map(toSnapshot);
  const byPid = new Map(entries.map((entry, i) => [entry.pid, { snapshot: snapshots[i], cmd: entry.cmd }]));
  return { snapshots, byPid };
}

function toSnapshot(p: PsListEntry): ProcessSnapshot {
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    zombie: false,
    identity: `${p.startTime?.getTime() ?? '?'}:${p.name}`,
    startTime: p.startTime?.getTime(),
    cpuPercent: p.cpu,
  };
}

async function psListDefault(): Promise<readonly PsListEntry[]> {
  // ps-list is ESM-only; a dynamic import keeps this module loadable from CommonJS.
  const { default: psList } = await import('ps-list');
  return psList();
}
