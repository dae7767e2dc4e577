import { START_TIME_SLACK_MS } from '../../../src/core/model/membership';
import { ProcessModel } from '../../../src/core/model/processModel';
import { ProcessRecord, ProcessState } from '../../../src/core/model/processRecord';
import { ProcessSnapshot } from '../../../src/core/scan/processSnapshot';
import { Delivery } from './delivery';
import { TOP_PID, TrueProcess, World } from './world';

/*
 * The invariants, checked against the ground truth after every step. Each
 * record is tied to the real process it stands for when it first appears:
 * the one the creating tracer message meant, or the one the listing showed.
 */

const RANK: Record<ProcessState, number> = { running: 0, joining: 0, exiting: 1, zombie: 2, exited: 3 };

export class Judge {
  /** Record key → the real process (id) it stands for. */
  private readonly standsFor = new Map<string, number>();
  private readonly lastState = new Map<string, ProcessState>();
  /** Records that have held their process's true exit code. */
  private readonly heldTrueCode = new Set<string>();
  /**
   * Real processes the OS showed inside the run (a listing, or a look-up in
   * the run's session): these must never be lost. One only the tracer named
   * is not among them: membership.ts lets the OS alone decide what is the
   * run's, and a claim the OS shows outside the run is refuted by design (a
   * fork child whose parent died at once, started after the program ended,
   * is in no way the OS can vouch for). Reported to the lead as a question.
   */
  private readonly toldOf = new Set<number>();
  private readonly violations: string[] = [];

  constructor(private readonly world: World) {}

  /** The program's record, from programStarted. */
  begin(model: ProcessModel): void {
    this.toldOf.add(this.world.top.id);
    for (const record of model.processesOf('r')) {
      this.standsFor.set(record.key, this.world.top.id);
    }
  }

  /** The OS answered a look-up: a member it showed is one the model was told of. */
  lookedUp(snapshot: ProcessSnapshot | undefined): void {
    const p = snapshot && this.byIdentity(snapshot);
    if (p?.member && this.sessionVouches(snapshot!)) {
      this.toldOf.add(p.id);
    }
  }

  afterStep(model: ProcessModel, step: Delivery, listing: readonly ProcessSnapshot[] | undefined): string[] {
    this.violations.length = 0;
    const records = model.processesOf('r');
    for (const record of records) {
      if (!this.standsFor.has(record.key)) {
        this.tie(record, step, listing);
      }
    }
    if (listing) {
      for (const p of this.insideRun(listing)) {
        this.toldOf.add(p.id);
      }
    }
    this.checkRecords(records, step, listing);
    return [...this.violations];
  }

  /** After the last listing, once everything has ended. */
  atEnd(model: ProcessModel): string[] {
    this.violations.length = 0;
    const records = model.processesOf('r');
    for (const id of this.toldOf) {
      const p = this.world.processes[id];
      const mine = records.filter((r) => this.standsFor.get(r.key) === id);
      if (!mine.length) {
        this.fail(`lost: ${describe(p)} was told of but has no record`);
      }
      for (const record of mine.filter((r) => r.state !== 'exited')) {
        this.fail(`${show(record)} for ${describe(p)} is ${record.state} after everything ended`);
      }
    }
    return [...this.violations];
  }

  private tie(record: ProcessRecord, step: Delivery, listing: readonly ProcessSnapshot[] | undefined): void {
    if (step.kind === 'tracer') {
      const id = step.message.means.get(record.pid);
      if (id === undefined) {
        this.fail(`${show(record)} appeared on a tracer message that does not name pid ${record.pid}`);
      } else {
        this.standsFor.set(record.key, id);
      }
      return;
    }
    const snapshot = listing?.find((s) => s.pid === record.pid && s.identity === record.identity);
    const p = snapshot && this.byIdentity(snapshot);
    if (!p) {
      this.fail(`${show(record)} appeared on ${step.kind} without a listed process of that pid and identity`);
    } else {
      this.standsFor.set(record.key, p.id);
    }
  }

  private checkRecords(records: ProcessRecord[], step: Delivery, listing: readonly ProcessSnapshot[] | undefined): void {
    const seen = new Map<number, ProcessRecord>();
    const identities = new Map<string, ProcessRecord>();
    for (const record of records) {
      const id = this.standsFor.get(record.key);
      if (id === undefined) {
        continue;
      }
      const p = this.world.processes[id];
      const twin = seen.get(id);
      if (twin) {
        this.fail(`two records for one process ${describe(p)}: ${show(twin)} and ${show(record)}`);
      }
      seen.set(id, record);
      if (record.identity !== undefined) {
        const same = identities.get(`${record.pid}/${record.identity}`);
        if (same) {
          this.fail(`two records with pid ${record.pid} and identity ${record.identity}: ${show(same)}, ${show(record)}`);
        }
        identities.set(`${record.pid}/${record.identity}`, record);
        if (record.identity !== p.identity || !p.member) {
          this.fail(`${show(record)} may be signalled, but its identity ${record.identity} is not that of ${describe(p)}`);
        }
      }
      if (!p.member) {
        this.fail(`${show(record)} is ${describe(p)}, never inside the run nor named by the tracer`);
      }
      const before = this.lastState.get(record.key);
      if (before !== undefined && RANK[record.state] < RANK[before]) {
        this.fail(`${show(record)} went back from ${before} to ${record.state}`);
      }
      this.lastState.set(record.key, record.state);
      this.checkCode(record, p, before, step, listing);
      if (record.state === 'exited' && record.endedAt !== undefined && record.startedAt !== undefined && record.endedAt < record.startedAt) {
        this.fail(`${show(record)} ended (${record.endedAt}) before it started (${record.startedAt})`);
      }
      if (record.orphan && !p.outlivedParent) {
        this.fail(`${show(record)} is marked orphan, but ${describe(p)} never outlived its parent`);
      }
    }
  }

  /** A code the OS or the parent reported is the truth, and is never replaced by a guess. */
  private checkCode(record: ProcessRecord, p: TrueProcess, before: ProcessState | undefined, step: Delivery, listing: readonly ProcessSnapshot[] | undefined): void {
    if (p.code === undefined) {
      return;
    }
    const reaped = step.kind === 'tracer' && step.message.event.kind === 'reaped' && step.message.means.get(step.message.event.child) === p.id;
    const zombieListed = listing?.some((s) => s.zombie && s.pid === p.pid && s.identity === p.identity);
    if ((reaped || (zombieListed && before !== 'exited')) && record.exitCode !== p.code) {
      this.fail(`${show(record)} was told its code ${p.code} (${step.kind}) but holds ${record.exitCode}`);
    }
    if (this.heldTrueCode.has(record.key) && record.exitCode !== p.code) {
      this.fail(`${show(record)} held the true code ${p.code}, then replaced it with ${record.exitCode}`);
    }
    if (record.exitCode === p.code) {
      this.heldTrueCode.add(record.key);
    }
  }

  /**
   * The members this listing shows inside the run: the program, a process of
   * its session, or the child of one so shown. Once the program has ended its
   * pid may lead a stranger's session, so (as in membership.ts) the session
   * vouches only for processes started before then: a member started later
   * whose parent is gone from the listing cannot be told from a stranger.
   */
  private insideRun(listing: readonly ProcessSnapshot[]): TrueProcess[] {
    const top = this.world.top;
    const sessionVouches = (s: ProcessSnapshot) => this.sessionVouches(s);
    const inside = new Set<number>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of listing) {
        const p = this.byIdentity(s);
        if (p?.member && !inside.has(p.id) && (sessionVouches(s) || s.pid === top.pid || listing.some((q) => q.pid === s.ppid && inside.has(this.byIdentity(q)?.id ?? -1)))) {
          inside.add(p.id);
          grew = true;
        }
      }
    }
    return [...inside].map((id) => this.world.processes[id]);
  }

  private sessionVouches(s: ProcessSnapshot): boolean {
    const top = this.world.top;
    return s.sessionId === TOP_PID && (top.endedAt === undefined || s.startTime! <= top.endedAt + START_TIME_SLACK_MS);
  }

  private byIdentity(snapshot: ProcessSnapshot): TrueProcess | undefined {
    return this.world.processes.find((p) => p.pid === snapshot.pid && p.identity === snapshot.identity);
  }

  private fail(message: string): void {
    this.violations.push(message);
  }
}

function show(record: ProcessRecord): string {
  return `record ${record.key} (pid ${record.pid}, ${record.state}, code ${record.exitCode}, identity ${record.identity ?? '-'})`;
}

export function describe(p: TrueProcess): string {
  return `process #${p.id} (pid ${p.pid}, ${p.origin}, started ${p.startTime}, ${p.state}${p.code !== undefined ? ` code ${p.code}` : ''})`;
}
