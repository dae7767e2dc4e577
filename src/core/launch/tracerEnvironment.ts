import * as path from 'node:path';

/** Where the tracer listens and how it proves itself; see EventServer. */
export interface TracerConnection {
  /** The folder holding sitecustomize.py and _proclens_tracer.py. */
  readonly directory: string;
  readonly address: string;
  readonly token: string;
  /** Where processes write their stack dumps; unset where they cannot be asked for (Windows). */
  readonly stacksFolder?: string;
  /** Pool workers report a short text of each task's arguments, unless false (they may hold secrets). */
  readonly taskArguments?: boolean;
}

/**
 * The environment a traced program runs in: the tracer's folder first on
 * PYTHONPATH (children inherit it, whatever their start method), its address
 * and token, and unbuffered output so that prints appear as they happen.
 */
export function tracerEnvironment(base: NodeJS.ProcessEnv, tracer: TracerConnection | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: '1' };
  if (tracer) {
    env.PYTHONPATH = [tracer.directory, base.PYTHONPATH].filter(Boolean).join(path.delimiter);
    env.PROCLENS_ADDR = tracer.address;
    env.PROCLENS_TOKEN = tracer.token;
    if (tracer.stacksFolder) {
      env.PROCLENS_STACKS = tracer.stacksFolder;
    } else {
      // Only ProcLens's own folder is ever written to, never one the environment happened to name.
      delete env.PROCLENS_STACKS;
    }
    if (tracer.taskArguments === false) {
      env.PROCLENS_TASK_ARGS = '0';
    } else {
      delete env.PROCLENS_TASK_ARGS;
    }
  }
  return env;
}
