import { signalNumber } from '../model/exitCodes';
import { ProcessModel } from '../model/processModel';
import { isAlive, isConfirmed, isSignallable, ProcessRecord } from '../model/processRecord';
import { buildProcessTree, descendantsFirst, ProcessTreeNode } from '../model/processTree';

export type StopSignal = 'SIGTERM' | 'SIGKILL';

/**
 * `sent`: delivered. `exited`: the process had already ended (or is a zombie
 * waiting for its parent). `unconfirmed`: the OS never showed this pid inside
 * the run, so it is not known to be ours and nothing was sent. `reused`: the
 * pid now names another process, so nothing was sent. `not-permitted`: it
 * belongs to another user.
 */
export type SignalOutcome = 'sent' | 'exited' | 'unconfirmed' | 'reused' | 'not-permitted' | 'failed';

export interface SignalResult {
  readonly outcome: SignalOutcome;
  readonly record: ProcessRecord;
  /** One sentence for the person who asked. */
  readonly message: string;
}

export type JoinResult =
  | { readonly outcome: 'exited'; readonly exitCode: number | null; readonly signal?: string }
  | { readonly outcome: 'timeout' }
  | { readonly outcome: 'cancelled' };

export interface ControlDependencies {
  /** The current identity of a pid (ProcessLister.identify). */
  readonly identify: (pid: number) => Promise<string | undefined>;
  /** Brings the model up to date with the OS (ProcessTracker.scanNow). */
  readonly scan: () => Promise<void>;
  readonly kill?: (pid: number, signal: number | NodeJS.Signals) => void;
}

const describe = (r: ProcessRecord) => `${r.name} (PID ${r.pid})`;

/** Signals and joins, always checking that a pid still names the process the model knows. */
export class ProcessControl {
  private readonly kill: (pid: number, signal: number | NodeJS.Signals) => void;

  constructor(
    private readonly model: ProcessModel,
    private readonly dependencies: ControlDependencies,
  ) {
    this.kill = dependencies.kill ?? ((pid, signal) => process.kill(pid, signal));
  }

  /**
   * Sends `signal` only to a process the OS confirmed as part of its run and
   * that the pid still names: never when it has ended, was never confirmed,
   * or its pid has been reused since.
   */
  async signal(record: ProcessRecord, signal: StopSignal): Promise<SignalResult> {
    if (!isAlive(record)) {
      return { outcome: 'exited', record, message: `${describe(record)} has already exited.` };
    }
    if (!isConfirmed(record)) {
      return {
        outcome: 'unconfirmed',
        record,
        message: `${describe(record)} was never seen by the OS inside this run, so it was left alone.`,
      };
    }
    const identity = await this.dependencies.identify(record.pid);
    if (identity === undefined) {
      return { outcome: 'exited', record, message: `${describe(record)} has already exited.` };
    }
    if (identity !== record.identity) {
      return {
        outcome: 'reused',
        record,
        message: `${describe(record)} is gone; PID ${record.pid} now belongs to another process, which was left alone.`,
      };
    }
    try {
      this.kill(record.pid, signalNumber(signal) ?? signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') {
        return { outcome: 'exited', record, message: `${describe(record)} has already exited.` };
      }
      if (code === 'EPERM') {
        return {
          outcome: 'not-permitted',
          record,
          message: `Not permitted to signal ${describe(record)}: it belongs to another user.`,
        };
      }
      return { outcome: 'failed', record, message: `Could not signal ${describe(record)}: ${String(error)}` };
    }
    this.model.signalRequested(record, signal);
    return { outcome: 'sent', record, message: `Sent ${signal} to ${describe(record)}.` };
  }

  /** Signals the process and everything below it in the tree, deepest first. */
  async signalTree(record: ProcessRecord, signal: StopSignal): Promise<SignalResult[]> {
    const node = this.findNode(record);
    const targets = node ? descendantsFirst(node) : [record];
    const results: SignalResult[] = [];
    for (const target of targets.filter(isAlive)) {
      results.push(await this.signal(target, signal));
    }
    return results;
  }

  /**
   * Waits for the process to end, like `Process.join(timeout)`: resolves with
   * its exit code, or `timeout` while it is still alive, or `cancelled`.
   */
  join(record: ProcessRecord, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<JoinResult> {
    const finished = (): JoinResult | undefined =>
      isAlive(record) ? undefined : { outcome: 'exited', exitCode: record.exitCode ?? null, signal: record.signal };
    const now = finished();
    if (now) {
      return Promise.resolve(now);
    }
    return new Promise((resolve) => {
      const done = (result: JoinResult) => {
        clearTimeout(timer);
        this.model.off('change', onChange);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onChange = () => {
        const result = finished();
        if (result) {
          done(result);
        }
      };
      const onAbort = () => done({ outcome: 'cancelled' });
      const timer =
        options.timeoutMs !== undefined ? setTimeout(() => done({ outcome: 'timeout' }), options.timeoutMs) : undefined;
      this.model.on('change', onChange);
      options.signal?.addEventListener('abort', onAbort);
      if (options.signal?.aborted) {
        onAbort();
      }
    });
  }

  /**
   * Ends every process of a run: SIGTERM to all, then SIGKILL to whatever is
   * still alive after `graceMs`. Scans first and between rounds, so that
   * what is signalled is what the OS shows now (children started meanwhile
   * too, an `exiting` child too, a process already gone not), and only the
   * processes it confirmed as the run's. Resolves with the survivors
   * (normally none).
   */
  async stopRun(runId: string, graceMs = 2000): Promise<ProcessRecord[]> {
    await this.dependencies.scan();
    await this.signalAll(runId, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.alive(runId).length && Date.now() < deadline) {
      await delay(50);
      await this.dependencies.scan();
      await this.signalAll(runId, 'SIGTERM', true);
    }
    for (let round = 0; round < 20 && this.alive(runId).length; round++) {
      await this.signalAll(runId, 'SIGKILL');
      await delay(50);
      await this.dependencies.scan();
    }
    return this.alive(runId);
  }

  private alive(runId: string): ProcessRecord[] {
    return this.model.processesOf(runId).filter(isSignallable);
  }

  /** With `onlyNew`, skips processes that were already sent this signal. */
  private async signalAll(runId: string, signal: StopSignal, onlyNew = false): Promise<void> {
    const targets = this.alive(runId).filter(
      (r) => !onlyNew || !r.signalsRequested.some((s) => s.by === 0 && s.signal === signal),
    );
    await Promise.all(targets.map((r) => this.signal(r, signal)));
  }

  private findNode(record: ProcessRecord): ProcessTreeNode | undefined {
    const search = (nodes: ProcessTreeNode[]): ProcessTreeNode | undefined => {
      for (const node of nodes) {
        if (node.record === record) {
          return node;
        }
        const found = search(node.children);
        if (found) {
          return found;
        }
      }
      return undefined;
    };
    return search(buildProcessTree(this.model.processesOf(record.runId)));
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
