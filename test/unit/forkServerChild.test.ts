import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { START_TIME_SLACK_MS } from '../../src/core/model/membership';
import { TracerEvent } from '../../src/core/protocol/tracerEvents';
import { ProcessSnapshot } from '../../src/core/scan/processSnapshot';
import { modelWithRun, settle, snapshot } from './modelFixtures';

// The run's program (100) starts a Process with the forkserver start method; the fork server
// (150, the program's child) forks it (151). Three sources tell of the child, on their own
// schedules: the program's `start` line, on the program's connection; the child's own lines
// (hello, the name multiprocessing gives it, boot), on the connection it inherited from the fork
// server; and the OS, whose scan lists it under the fork server. Whatever order they arrive in,
// the child is one record: named and drawn under the program, as its start line says, with
// the fork server as its OS parent, as the OS says.
//
// The start line is stamped when start() was called, before the fork. The first start() under
// forkserver launches the fork server itself, so on a busy machine the child is forked seconds
// after that stamp: the stamp says only that the child began after it.

const TOP = 100;
const FORK_SERVER = 150;
const CHILD = 151;
/** When the OS started the child (its start time in the listing). */
const FORKED = 10_000;
const FORK_SERVER_ARGV = ['python3', '-c', 'from multiprocessing.forkserver import main; main(8, 9, ["__main__"])'];

type Step = 'start' | 'hello' | 'rename' | 'boot' | 'scan';

/** Every merge of `a` and `b` that keeps each one's own order. */
function interleavings<T>(a: readonly T[], b: readonly T[]): T[][] {
  if (!a.length || !b.length) {
    return [[...a, ...b]];
  }
  return [...interleavings(a.slice(1), b).map((rest) => [a[0], ...rest]), ...interleavings(a, b.slice(1)).map((rest) => [b[0], ...rest])];
}

/** The child's lines (in their order) with the parent's start line and the scan, in every order. */
function orders(childLines: readonly Step[]): Step[][] {
  return interleavings<Step>(childLines, ['start']).flatMap((order) => interleavings<Step>(order, ['scan']));
}

interface Case {
  /** How long before the fork start() was called (and its line stamped). */
  readonly startTook: number;
  readonly childLines: readonly Step[];
  /** The OS answers the model's first-sight look-ups before the next news arrives, or only after all of it. */
  readonly lookUps: 'at once' | 'late';
  /** The child's exit code, as the fork server and the program collect it. */
  readonly code: number;
}

async function tell(order: readonly Step[], c: Case) {
  const stamp = FORKED - c.startTook;
  const top = snapshot(TOP, 1, { sessionId: TOP, startTime: 0 });
  const forkServer = snapshot(FORK_SERVER, TOP, { sessionId: TOP, startTime: 1000 });
  const child = snapshot(CHILD, FORK_SERVER, { sessionId: TOP, startTime: FORKED });
  const os = new Map<number, ProcessSnapshot | undefined>([[FORK_SERVER, forkServer], [CHILD, child]]);
  const { model, apply, advance } = modelWithRun(TOP, os);
  model.processesOf('r')[0].osStartTime = 0;
  advance(1010);
  apply({ kind: 'hello', pid: FORK_SERVER, ppid: TOP, time: 1005, executable: 'python3', argv: FORK_SERVER_ARGV, pythonVersion: '3.13.0' });
  await settle();
  // Everything below arrives after the fork: the start line is written once start() returned.
  advance(FORKED + 50 - 1010);
  const events: Record<Exclude<Step, 'scan'>, TracerEvent> = {
    start: { kind: 'start', pid: TOP, time: stamp, child: CHILD, name: 'Process-1', daemon: false, method: 'forkserver', target: null, site: null },
    hello: { kind: 'hello', pid: CHILD, ppid: FORK_SERVER, time: FORKED + 5, executable: 'python3', argv: FORK_SERVER_ARGV, pythonVersion: '3.13.0' },
    rename: { kind: 'rename', pid: CHILD, time: FORKED + 5, child: CHILD, name: 'Process-1' },
    boot: { kind: 'boot', pid: CHILD, time: FORKED + 40, ppid: FORK_SERVER, name: 'Process-1', daemon: false },
  };
  for (const step of order) {
    const now = advance(1);
    if (step === 'scan') {
      model.applyScan([top, forkServer, child], now);
    } else {
      apply(events[step]);
    }
    if (c.lookUps === 'at once') {
      await settle();
    }
  }
  await settle();
  // Then it ends: its own exit line (unless killed first), the fork server's reaping, the program's join.
  if (c.childLines.includes('boot')) {
    apply({ kind: 'exit', pid: CHILD, time: FORKED + 300, code: c.code });
  }
  apply({ kind: 'reaped', pid: FORK_SERVER, time: FORKED + 310, child: CHILD, code: c.code });
  apply({ kind: 'reaped', pid: TOP, time: FORKED + 320, child: CHILD, code: c.code });
  model.applyScan([top, forkServer], advance(500));
  await settle();
  return { model, stamp };
}

const cases: Record<string, Case> = {
  'a quick start()': { startTook: 10, childLines: ['hello', 'rename', 'boot'], lookUps: 'at once', code: 0 },
  'a slow start() (the fork server was still starting)': { startTook: START_TIME_SLACK_MS + 1500, childLines: ['hello', 'rename', 'boot'], lookUps: 'at once', code: 0 },
  'a slow start(), the OS answering look-ups late': { startTook: START_TIME_SLACK_MS + 1500, childLines: ['hello', 'rename', 'boot'], lookUps: 'late', code: 0 },
  'a slow start(), the child SIGKILLed before its boot': { startTook: START_TIME_SLACK_MS + 1500, childLines: ['hello', 'rename'], lookUps: 'at once', code: -9 },
  'a slow start(), the child SIGKILLed before it said anything': { startTook: START_TIME_SLACK_MS + 1500, childLines: [], lookUps: 'at once', code: -9 },
};

describe("a fork server's child is one record in every order of its parent's start line, its own lines and the OS scan", () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const wrong: string[] = [];
      for (const order of orders(c.childLines)) {
        const { model, stamp } = await tell(order, c);
        const records = model.processesOf('r').filter((r) => r.pid === CHILD);
        const shown = records.map((r) => ({
          kind: r.kind,
          name: r.name,
          parentPid: r.parentPid,
          drawnUnder: model.get(r.parentKey ?? '')?.pid,
          ppid: r.ppid,
          startedAt: r.startedAt,
          confirmed: r.identity,
          state: r.state,
          exitCode: r.exitCode,
        }));
        const expected = { kind: 'mp-child', name: 'Process-1', parentPid: TOP, drawnUnder: TOP, ppid: FORK_SERVER, startedAt: stamp, confirmed: `start-${CHILD}`, state: 'exited', exitCode: c.code };
        try {
          assert.deepEqual(shown, [expected]);
          assert.equal(model.processesOf('r').length, 3);
        } catch {
          wrong.push(`${order.join(', ')}: ${model.processesOf('r').filter((r) => r.pid !== TOP).map((r) => `${r.pid} ${r.name} (${r.kind}, under ${r.parentPid}, exit ${r.exitCode})`).join('; ')}`);
        }
      }
      assert.deepEqual(wrong, [], `one record for the child, as its start line and the OS tell it, in ${orders(c.childLines).length} orders`);
    });
  }
});
