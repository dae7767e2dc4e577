import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProcessControl } from '../core/control/processControl';
import { findExecutable } from '../core/launch/findExecutable';
import { LaunchError } from '../core/launch/launchedProgram';
import { chooseLister } from '../core/scan/chooseLister';
import { LaunchedRun, ProcessTracker } from '../core/tracking/processTracker';
import { parseCliArguments, RunArguments, USAGE } from './cliArguments';
import { diagnoseRun } from '../core/diagnosis/deadlocks';
import { isAlive } from '../core/model/processRecord';
import { renderStacks } from '../core/present/stacksText';
import { summarizePool } from '../core/model/pools';
import { AtDump, diagnosisJson, JsonLinesFile, poolJson, processJson, runJson, waitingFor, WaitingFor } from './jsonReport';
import { renderRunTree } from './treeText';

/** The bundle lives in dist/; the tracer ships beside it in tracer/. */
const TRACER_DIRECTORY = path.resolve(__dirname, '..', 'tracer');

/** Shells report "ended by signal N" as 128 + N; do the same. */
const shellExitCode = (code: number | null | undefined) => (code === null || code === undefined ? 1 : code < 0 ? 128 - code : code);

function resolveCommand(run: RunArguments): string[] | string {
  if (!run.command[0].endsWith('.py')) {
    return run.command;
  }
  const python = run.python ?? findExecutable(['python3', 'python']);
  return python ? [python, ...run.command] : 'Python was not found on PATH: pass --python PATH.';
}

async function runCommand(run: RunArguments): Promise<number> {
  const command = resolveCommand(run);
  if (typeof command === 'string') {
    process.stderr.write(`proclens: ${command}\n`);
    return 127;
  }
  const tracker = new ProcessTracker({
    tracerDirectory: TRACER_DIRECTORY,
    platform: process.platform,
    lister: chooseLister(run.lister, process.platform),
    scanIntervalMs: run.intervalMs,
  });
  const reported = new Set<string>();
  tracker.on('log', (level, message) => {
    if (level === 'error' && !reported.has(message)) {
      reported.add(message);
      process.stderr.write(`proclens: ${message}\n`);
    }
  });
  const json = run.jsonFile ? new JsonLinesFile(run.jsonFile) : undefined;
  const nameOf = (pid: number) => tracker.model.processesOf(tracker.model.runs()[0]?.id ?? '').find((r) => r.pid === pid)?.name;
  tracker.model.on('change', (change) => {
    change.runs.forEach((r) => json?.write({ type: 'run', ...runJson(r) }));
    change.processes.forEach((p) => json?.write({ type: 'process', ...processJson(p, nameOf) }));
  });
  let trackedRun: LaunchedRun;
  try {
    trackedRun = await tracker.start({ command, stdio: 'inherit', taskArguments: run.taskArguments });
  } catch (error) {
    process.stderr.write(`proclens: ${error instanceof LaunchError ? error.message : String(error)}\n`);
    const failed = tracker.model.runs()[0];
    json?.write({ type: 'summary', run: failed ? runJson(failed) : null, processes: [] });
    json?.close();
    await tracker.dispose();
    return 127;
  }
  const control = new ProcessControl(tracker.model, {
    identify: (pid) => tracker.lister.identify(pid),
    scan: () => tracker.scanNow(),
  });
  let stopping = false;
  let timedOut = false;
  let atDump: AtDump | undefined;
  /** A hang's evidence first (every live process's stacks, what each waits for), then the stop. */
  const stop = async (why: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    const live = tracker.model.processesOf(trackedRun.id).filter(isAlive);
    if (live.some((r) => r.python)) {
      process.stderr.write(`\nproclens: ${why}: the Python stacks of every live process follow\n`);
      await tracker.takeStacks(trackedRun.id);
      const now = Date.now();
      const records = tracker.model.processesOf(trackedRun.id);
      const named = (pid: number) => `${nameOf(pid) ?? '?'} (PID ${pid})`;
      const waits = new Map<string, WaitingFor>();
      for (const record of records) {
        const wait = waitingFor(record, nameOf);
        if (wait) {
          waits.set(record.key, wait);
        }
      }
      atDump = { waitingFor: waits, diagnoses: diagnoseRun(records, now).map((d) => diagnosisJson(d, named)) };
      process.stderr.write(renderStacks(trackedRun.record, records, now) + '\n');
    }
    process.stderr.write(`proclens: ${why}: stopping every process of the run\n`);
    await control.stopRun(trackedRun.id, run.graceMs);
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((s) => process.on(s, onSignal));
  const timer =
    run.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          void stop(`still running after ${run.timeoutSeconds} s (--timeout)`);
        }, run.timeoutSeconds * 1000);

  const finished = await trackedRun.finished;
  clearTimeout(timer);
  const records = tracker.model.processesOf(finished.id);
  json?.write({
    type: 'summary',
    run: runJson(finished),
    processes: records.map((r) => processJson(r, nameOf, atDump)),
    pools: tracker.model.poolsOf(finished.id).map((pool) => poolJson(summarizePool(pool, records))),
    diagnoses: atDump?.diagnoses ?? [],
    timedOut,
    tracer: trackedRun.events.stats,
  });
  json?.close();
  if (!json) {
    process.stderr.write(renderRunTree(finished, records, tracker.model.poolsOf(finished.id)) + '\n');
  }
  signals.forEach((s) => process.off(s, onSignal));
  await tracker.dispose();
  // As timeout(1) does: a CI log tells "it hung" from "it failed".
  return timedOut ? 124 : shellExitCode(finished.exitCode);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArguments(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case 'version':
      process.stdout.write(`${JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
      return 0;
    case 'error':
      process.stderr.write(`proclens: ${parsed.message}\n\n${USAGE}\n`);
      return 2;
    case 'run':
      return runCommand(parsed.run);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`proclens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
