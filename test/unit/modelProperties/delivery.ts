import { Choices } from './choices';
import { Message, World } from './world';

/*
 * What the model is told, and when. Each process's messages come on its own
 * connection, in its order, each one late by a random delay (now and then by
 * seconds), so different processes' news interleave arbitrarily: a child's
 * hello may come after its parent reported it reaped. A listing is applied
 * right after it was read, as the scanner does (a few ms to read /proc); the
 * launcher learns of the program's exit as its parent, at once.
 */

export type Delivery =
  | { readonly at: number; readonly kind: 'tracer'; readonly message: Message }
  | { readonly at: number; readonly kind: 'scan'; readonly takenAt: number }
  | { readonly at: number; readonly kind: 'programExited'; readonly code: number };

const SCAN_READ_MS = 30;
const LAUNCHER_MS = 20;

export function schedule(world: World, choices: Choices): Delivery[] {
  const streams = new Map<string, Delivery[]>();
  const push = (stream: string, delivery: Delivery) => {
    const queue = streams.get(stream) ?? [];
    // One connection is a stream: a message never overtakes the one sent before it.
    const at = Math.max(delivery.at, queue[queue.length - 1]?.at ?? 0);
    queue.push({ ...delivery, at });
    streams.set(stream, queue);
  };
  for (const message of world.messages) {
    const delay = choices.chance(15) ? choices.pick(4000) : choices.pick(60);
    push(`p${message.sender}`, { at: message.sentAt + delay, kind: 'tracer', message });
  }
  for (const takenAt of world.scans) {
    push('scanner', { at: takenAt + choices.pick(SCAN_READ_MS), kind: 'scan', takenAt });
  }
  if (world.programExit) {
    const { time, code } = world.programExit;
    push('launcher', { at: time + choices.pick(LAUNCHER_MS), kind: 'programExited', code });
  }
  // Merge by delivery time; streams whose next items arrive in the same ms go in a random order.
  const queues = [...streams.values()];
  const merged: Delivery[] = [];
  for (;;) {
    const waiting = queues.filter((q) => q.length);
    if (!waiting.length) {
      return merged;
    }
    const first = Math.min(...waiting.map((q) => q[0].at));
    merged.push(choices.oneOf(waiting.filter((q) => q[0].at === first)).shift()!);
  }
}
