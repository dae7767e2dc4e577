import { ProcessModel } from '../../src/core/model/processModel';
import { ProcessRecord } from '../../src/core/model/processRecord';
import { TracerEvent } from '../../src/core/protocol/tracerEvents';
import { ProcessSnapshot } from '../../src/core/scan/processSnapshot';

/**
 * A model with one run whose program has `topPid`. The fake OS answers a
 * first-sight look-up from `os` when the test put the pid there, else as a
 * process of the run's session started with it.
 */
export function modelWithRun(topPid = 100, os = new Map<number, ProcessSnapshot | undefined>()) {
  let clock = 0;
  const model = new ProcessModel({
    batchMs: 1,
    now: () => clock,
    snapshot: async (pid) => (os.has(pid) ? os.get(pid) : snapshot(pid, topPid, { sessionId: topPid })),
  });
  model.addRun({ id: 'r', command: ['python3', 'main.py'], cwd: '/', startedAt: clock, state: 'live' });
  model.programStarted('r', topPid, ['python3', 'main.py'], snapshot(topPid, 1, { sessionId: topPid }));
  const apply = (event: TracerEvent) => model.applyTracerEvent('r', event);
  const advance = (ms: number) => (clock += ms);
  return { model, apply, advance };
}

export function snapshot(pid: number, ppid: number, extra: Partial<ProcessSnapshot> = {}): ProcessSnapshot {
  return { pid, ppid, name: 'python3', zombie: false, identity: `start-${pid}`, sessionId: 100, ...extra };
}

export const startEvent = (parent: number, child: number, name: string, daemon = false): TracerEvent => ({
  kind: 'start',
  pid: parent,
  time: 100,
  child,
  name,
  daemon,
  method: 'fork',
  target: { name: 'piao', file: '/x/main.py', line: 4 },
  site: { file: '/x/main.py', line: 12 },
});

/** Lets identity look-ups (promises) settle. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A record as the model holds a traced Python process of run `r` that is
 * running: PID 100 is the program (MainProcess), any other a multiprocessing
 * child of it. For tests that build views or diagnoses from records.
 */
export function recordOf(pid: number, extra: Partial<ProcessRecord> = {}): ProcessRecord {
  return {
    key: `r:${pid}`,
    runId: 'r',
    pid,
    seenAt: 0,
    name: pid === 100 ? 'MainProcess' : `Process-${pid}`,
    formerNames: [],
    kind: pid === 100 ? 'program' : 'mp-child',
    python: true,
    daemon: false,
    state: 'running',
    orphan: false,
    traced: true,
    signalsRequested: [],
    joins: [],
    threads: [],
    waits: [],
    parentKey: pid === 100 ? undefined : 'r:100',
    ...extra,
  };
}
