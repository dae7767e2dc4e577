import { ProcessModel } from '../../../src/core/model/processModel';
import { ProcessSnapshot } from '../../../src/core/scan/processSnapshot';
import { Choices } from './choices';
import { Delivery, schedule } from './delivery';
import { describe, Judge } from './judge';
import { liveProgram } from './program';
import { T0, TOP_PID, World } from './world';

/*
 * One case: a random program, what the model is told of it, and the model fed
 * step by step on a fake clock, judged after every step. Returns the
 * violations found (none when the model told every process truly) and the
 * story of the case, to print when it fails.
 */

export interface Outcome {
  readonly violations: string[];
  readonly story: () => string;
}

/** Ends a step: the OS look-ups the model started answer before the next delivery. */
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await Promise.resolve();
  }
};

export async function runCase(values: readonly number[]): Promise<Outcome> {
  const choices = new Choices(values);
  const world = liveProgram(choices);
  const deliveries = schedule(world, choices);
  const story = () => tell(world, deliveries);
  let clock = T0;
  let judge: Judge | undefined;
  const model = new ProcessModel({
    batchMs: 60_000,
    now: () => clock,
    exitedLimit: 1_000_000,
    snapshot: (pid) => {
      const found = world.listingAt(clock).find((s) => s.pid === pid);
      judge?.lookedUp(found);
      return Promise.resolve(found);
    },
  });
  try {
    judge = new Judge(world);
    model.addRun({ id: 'r', command: ['python3', 'main.py'], cwd: '/', startedAt: T0, state: 'live' });
    const top = world.listingAt(T0).find((s) => s.pid === TOP_PID);
    model.programStarted('r', TOP_PID, ['python3', 'main.py'], top);
    judge.begin(model);
    for (const [index, step] of deliveries.entries()) {
      clock = Math.max(clock, step.at);
      const listing = step.kind === 'scan' ? world.listingAt(step.takenAt) : undefined;
      if (step.kind === 'tracer') {
        model.applyTracerEvent('r', step.message.event);
      } else if (step.kind === 'scan') {
        model.applyScan(listing!, step.takenAt);
      } else {
        model.programExited('r', step.code);
      }
      await settle();
      const violations = judge.afterStep(model, step, listing);
      if (violations.length) {
        return { violations: violations.map((v) => `after step ${index}: ${v}`), story };
      }
    }
    // The scanner goes on while the run is live: one more listing, after the latest news.
    clock += 1000;
    const last: Delivery = { at: clock, kind: 'scan', takenAt: clock };
    const listing = world.listingAt(clock);
    model.applyScan(listing, clock);
    await settle();
    const violations = judge.afterStep(model, last, listing);
    return { violations: violations.length ? violations : judge.atEnd(model), story };
  } finally {
    model.dispose();
  }
}

/** The case as a person reads it: the true processes, then what the model was told, in order. */
function tell(world: World, deliveries: readonly Delivery[]): string {
  const lines = ['processes:', ...world.processes.map((p) => `  ${describe(p)} ppid ${p.originalPpid} session ${p.sessionId} ended ${p.endedAt ?? '-'} gone ${p.goneAt ?? '-'}${p.outlivedParent ? ' outlived its parent' : ''}`)];
  lines.push('deliveries:');
  for (const [index, step] of deliveries.entries()) {
    if (step.kind === 'tracer') {
      const { kind, pid, time, ...rest } = step.message.event;
      const fields = Object.entries(rest).filter(([key]) => ['child', 'ppid', 'code', 'phase', 'signal'].includes(key));
      const stamp = time === step.message.sentAt ? '' : `, stamped ${time}`;
      lines.push(`  ${index} at ${step.at}: ${kind} from ${pid} (sent ${step.message.sentAt}${stamp}) ${fields.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    } else if (step.kind === 'scan') {
      const listing = world.listingAt(step.takenAt).filter((s) => s.pid !== 1 && s.pid !== 50);
      lines.push(`  ${index} at ${step.at}: scan taken ${step.takenAt}: ${listing.map(brief).join(', ')}`);
    } else {
      lines.push(`  ${index} at ${step.at}: programExited ${step.code}`);
    }
  }
  return lines.join('\n');
}

function brief(s: ProcessSnapshot): string {
  return `${s.pid}<${s.ppid} s${s.sessionId} ${s.identity}${s.zombie ? ` zombie ${s.waitStatus}` : ''}`;
}
