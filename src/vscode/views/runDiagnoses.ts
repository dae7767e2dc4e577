// The deadlocks shown in the tree, per process. No `vscode` here: the unit tests read it directly.
import { Diagnosis, DIAGNOSIS_AFTER_MS, diagnoseRun } from '../../core/diagnosis/deadlocks';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, ProcessRecord } from '../../core/model/processRecord';
import { liveThreads } from '../../core/model/threadsAndWaits';
import { NameOf } from '../../core/present/waitText';

/** Stable across recomputations while the same deadlock lasts: a tree row's id, and how changes are told. */
export const diagnosisId = (d: Diagnosis): string => {
  switch (d.kind) {
    case 'join-unread-queue':
      return `${d.kind}:${d.pid}:${d.childPid}`;
    case 'wait-cycle':
      return `${d.kind}:${d.pids.join(',')}`;
    case 'pool-lost-worker':
      return `${d.kind}:${d.pid}:${d.workerPid}`;
  }
};

/**
 * Whether time alone may still give this process's run a deadlock: one of its
 * waits (or its join) began less than DIAGNOSIS_AFTER_MS before `now`. Every
 * diagnosis waits that long from such a start; once all of them are older,
 * only news from the tracer or the scan can change the diagnoses.
 */
export function waitTooYoungToJudge(record: ProcessRecord, now: number): boolean {
  const starts = liveThreads(record).flatMap((thread) => (thread.waiting ? [thread.waiting.enteredAt] : []));
  const join = record.state === 'joining' ? record.joins.at(-1) : undefined;
  if (join) {
    starts.push(join.enteredAt);
  }
  return starts.some((since) => now - since < DIAGNOSIS_AFTER_MS);
}

/**
 * The diagnoses of every live run, kept per process key (each is shown on the
 * row of its `pid`). Recomputed when the tree refreshes, and on the view's
 * one-second tick, which goes on while a wait is too young to be judged:
 * a wait becomes a deadlock only by lasting.
 */
export class RunDiagnoses {
  private byKey = new Map<string, readonly Diagnosis[]>();

  constructor(private readonly model: ProcessModel) {}

  /** `Process-1 (PID 4711)`: how a deadlock names the processes of a run. */
  nameOf(runId: string): NameOf {
    return (pid) => `${this.model.find(runId, pid)?.name ?? '?'} (PID ${pid})`;
  }

  of(record: ProcessRecord): readonly Diagnosis[] {
    return this.byKey.get(record.key) ?? [];
  }

  /** Recomputes them at `now`; returns the records whose diagnoses appeared, changed or went. */
  update(now: number): ProcessRecord[] {
    const next = new Map<string, readonly Diagnosis[]>();
    for (const run of this.model.runs()) {
      if (run.state !== 'live') {
        continue;
      }
      for (const diagnosis of diagnoseRun(this.model.processesOf(run.id), now)) {
        const record = this.model.find(run.id, diagnosis.pid);
        if (record && isAlive(record)) {
          next.set(record.key, [...(next.get(record.key) ?? []), diagnosis]);
        }
      }
    }
    const changed = new Set([...this.byKey.keys(), ...next.keys()].filter((key) => idsOf(this.byKey.get(key)) !== idsOf(next.get(key))));
    this.byKey = next;
    return [...changed].map((key) => this.model.get(key)).filter((r): r is ProcessRecord => r !== undefined);
  }
}

const idsOf = (list: readonly Diagnosis[] | undefined) => (list ?? []).map(diagnosisId).join('|');
