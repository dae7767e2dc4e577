import { StackDump, StackFrame } from '../model/processRecord';

/** A frame of the tracer's own module (tracer/_proclens_tracer.py), wherever the tracer was installed. */
export const isTracerFrame = (frame: StackFrame): boolean => /(^|[\\/])_proclens_tracer\.py$/.test(frame.file);

/**
 * The dump as the program would show it without ProcLens: the tracer's
 * wrappers (of join(), Lock.acquire(), a child's bootstrap…) sit between the
 * program's call and what it called; without them the innermost frame is the
 * program's own line or Python's, which is what a reader looks for.
 */
export function withoutTracerFrames(dump: StackDump): StackDump {
  return { ...dump, threads: dump.threads.map((stack) => ({ ...stack, frames: stack.frames.filter((frame) => !isTracerFrame(frame)) })) };
}
