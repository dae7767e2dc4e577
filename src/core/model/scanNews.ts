import { ProcessSnapshot } from '../scan/processSnapshot';
import { exitCodeFromWaitStatus } from './exitCodes';
import { becameZombie, gone } from './lifecycle';
import { couldBe, inRunSession, startedWithinRun } from './membership';
import { ModelStore } from './modelStore';
import { isAlive, ProcessRecord, RunRecord } from './processRecord';

/** What applying a scan needs besides the store. */
export interface ScanContext {
  readonly store: ModelStore;
  /** Reads the argument vector of a process the scan found (asynchronously). */
  readonly readCommandLine: (record: ProcessRecord) => void;
  readonly sampleResources: (record: ProcessRecord, snapshot: ProcessSnapshot, now: number) => void;
  /** A tracer claim the OS refuted: the pid is someone else's process. */
  readonly claimRefuted: (record: ProcessRecord, snapshot: ProcessSnapshot) => void;
}

/** One OS listing, indexed for the walks below. */
export class Listing {
  readonly byPid = new Map<number, ProcessSnapshot>();
  readonly childrenOf = new Map<number, number[]>();

  constructor(snapshots: readonly ProcessSnapshot[]) {
    for (const snapshot of snapshots) {
      this.byPid.set(snapshot.pid, snapshot);
      const siblings = this.childrenOf.get(snapshot.ppid);
      if (siblings) {
        siblings.push(snapshot.pid);
      } else {
        this.childrenOf.set(snapshot.ppid, [snapshot.pid]);
      }
    }
  }
}

/**
 * Applies one OS listing, taken at `takenAt`, to one live run: finds its
 * members (the confirmed processes the OS still shows, their descendants,
 * and its session), confirms or adds them, and notices what has gone.
 * Records first heard of after the listing was taken are left for the next.
 */
export function scanRun(context: ScanContext, run: RunRecord, listing: Listing, takenAt: number, now: number): void {
  const { store } = context;
  const top = store.get(run.topKey);
  const members = findMembers(store, run, top, listing);
  // Oldest first, so that a parent's record (a new one, when its pid was reused) exists before its children look for it.
  const byStart = [...members].map((pid) => listing.byPid.get(pid)!).sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0));
  for (const snapshot of byStart) {
    updateFromScan(context, run, snapshot, takenAt, now);
  }
  const vanished: ProcessRecord[] = [];
  for (const record of store.processesOf(run.id)) {
    if (record.state === 'exited' || record.seenAt > takenAt) {
      continue;
    }
    const snapshot = listing.byPid.get(record.pid);
    if (snapshot && members.has(record.pid) && record.identity === snapshot.identity) {
      continue;
    }
    if (snapshot && record.identity === undefined && couldBe(record, snapshot)) {
      // Never confirmed, and the pid names a process outside the run: the claim was false.
      context.claimRefuted(record, snapshot);
      store.delete(record);
      continue;
    }
    vanished.push(record);
  }
  // Deepest first: a child that vanished together with its parent was never seen to outlive
  // it, so it is no orphan.
  const depth = (record: ProcessRecord) => {
    let levels = 0;
    for (let parent = store.get(record.parentKey); parent && levels < 1000; parent = store.get(parent.parentKey)) {
      levels++;
    }
    return levels;
  };
  vanished.sort((a, b) => depth(b) - depth(a));
  for (const record of vanished) {
    if (record.state !== 'exited') {
      gone(store, record, now);
    }
  }
}

function findMembers(store: ModelStore, run: RunRecord, top: ProcessRecord | undefined, listing: Listing): Set<number> {
  const members = new Set<number>();
  if (!top?.identity) {
    return members;
  }
  const queue: number[] = [];
  for (const record of store.processesOf(run.id)) {
    const snapshot = listing.byPid.get(record.pid);
    if (record.state !== 'exited' && record.identity !== undefined && snapshot?.identity === record.identity) {
      queue.push(record.pid);
    }
  }
  for (const snapshot of listing.byPid.values()) {
    if (inRunSession(run, top, snapshot) && startedWithinRun(snapshot, top)) {
      queue.push(snapshot.pid);
    }
  }
  // Descendants of members are members: a child cannot start before its parent.
  while (queue.length) {
    const pid = queue.pop()!;
    if (members.has(pid)) {
      continue;
    }
    members.add(pid);
    queue.push(...(listing.childrenOf.get(pid) ?? []));
  }
  return members;
}

function updateFromScan(context: ScanContext, run: RunRecord, snapshot: ProcessSnapshot, takenAt: number, now: number): void {
  const { store } = context;
  let record = store.find(run.id, snapshot.pid);
  const sameUnconfirmed = record !== undefined && record.identity === undefined && snapshot.startTime !== undefined && couldBe(record, snapshot);
  if (record?.state === 'exited' && (record.identity === snapshot.identity || sameUnconfirmed)) {
    // The same process, still listed: a zombie that init has not collected yet, or one never
    // confirmed whose end the tracer reported before the OS was asked about it (a child that
    // ran a moment, on a busy machine), started by the OS in time to be it. One record per process.
    return;
  }
  if (record && record.state !== 'exited' && record.identity === undefined && couldBe(record, snapshot)) {
    // The tracer spoke of it first; the OS now shows it inside the run.
    confirm(store, record, snapshot);
  }
  if (record && (record.state === 'exited' || record.identity !== snapshot.identity)) {
    if (record.state !== 'exited') {
      gone(store, record, now);
    }
    record = undefined;
  }
  if (!record) {
    record = store.create(run.id, snapshot.pid, 'native', snapshot.name, snapshot.ppid, snapshot.startTime);
    const early = run.lister?.capabilities.startTimeEarlyMs;
    if (snapshot.startTime !== undefined && early !== undefined && early >= 1000) {
      record.startedAtEarlyMs = early;
    }
    confirm(store, record, snapshot);
    context.readCommandLine(record);
  }
  if (record.parentKey === undefined && record.parentPid !== undefined) {
    // The scan meets processes in no set order; the parent may have been added after its child.
    store.setParent(record, store.findUnexited(run.id, record.parentPid)?.key);
  }
  if (record.ppid !== snapshot.ppid) {
    record.originalPpid ??= snapshot.ppid;
    // Re-parented (to init or a subreaper) while alive: whatever started it has died.
    record.orphan ||= record.ppid !== undefined && !snapshot.zombie && !outlivesByDesign(record);
    record.ppid = snapshot.ppid;
    store.touch(record);
  }
  if (!record.orphan && !snapshot.zombie && !outlivesByDesign(record) && outlived(store.get(record.parentKey), takenAt)) {
    // Its parent (Python's, which may not be the OS's: a fork server) had ended before this listing was taken.
    record.orphan = true;
    store.touch(record);
  }
  context.sampleResources(record, snapshot, now);
  if (snapshot.zombie && isAlive(record)) {
    const code = snapshot.waitStatus !== undefined ? exitCodeFromWaitStatus(snapshot.waitStatus) : null;
    becameZombie(store, record, code, now);
  }
}

/**
 * multiprocessing's fork server and resource tracker end after the process
 * that started them, once it has closed their pipe: no orphan, but how they
 * are meant to end.
 */
const outlivesByDesign = (record: ProcessRecord): boolean => record.kind === 'helper';

/** Whether `parent` is known to have ended before `time`. */
function outlived(parent: ProcessRecord | undefined, time: number): boolean {
  return parent?.state === 'exited' && parent.endedAt !== undefined && parent.endedAt < time;
}

/** The OS showed the process inside its run: from now on its identity guards every signal. */
export function confirm(store: ModelStore, record: ProcessRecord, snapshot: ProcessSnapshot): void {
  record.identity = snapshot.identity;
  record.osStartTime = snapshot.startTime;
  store.touch(record);
}
