import { StackFrame } from '../model/processRecord';

/** A frame of the tracer's own module (tracer/_proclens_tracer.py), wherever the tracer was installed. */
export const isTracerFrame = (frame: StackFrame): boolean => /(^|[\\/])_proclens_tracer\.py$/.test(frame.file);
